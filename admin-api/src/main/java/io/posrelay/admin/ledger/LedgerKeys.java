package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;

/**
 * The keys of the ledger's index stores. They are strings whose UTF-8 bytes sort the way the
 * indexes must be read (RocksDB orders keys by their bytes):
 *
 * <pre>
 * due index:    "%019d" due epoch millis + "/" + result_id         e.g. 0001767225603000/6f1c…
 *               a PENDING record's: "P/" + that      e.g. P/0001767225603000/6f1c…
 * status index: status number + "/" + "%019d" (Long.MAX_VALUE − received_at epoch millis)
 *               + "/" + result_id                                   e.g. 4/9223370269629172807/6f1c…
 * terminal index: terminal_id + "/" + a status-index key            e.g. T-1/4/9223370269629172807/6f1c…
 * </pre>
 *
 * The status index is newest first within a status (inverted time); result_id breaks ties. A
 * terminal id ({@code [A-Za-z0-9_-]{1,64}}, checked by ilk-ingest) holds no "/", so one
 * terminal's prefix never matches another's keys.
 */
final class LedgerKeys {
  /** Sorts after every key with the same prefix (UTF-8 EF BF BF is above any ASCII byte). */
  static final String HIGH = "\uffff";

  private LedgerKeys() {}

  static String due(long dueAtMs, String resultId) {
    return pad(Math.max(0, dueAtMs)) + "/" + resultId;
  }

  /** The due-index range ends: every key due at or before {@code nowMs}. */
  static String dueUpTo(long nowMs) {
    return pad(Math.max(0, nowMs)) + "/" + HIGH;
  }

  /**
   * Starts the due keys of PENDING records: they sort after every other due key (digits), so
   * that init can find every PENDING record by one range scan ({@link PendingIndex#rebuild}).
   */
  static final String PENDING_DUE = "P/";

  /** The due key of a PENDING record. */
  static String pendingDue(long dueAtMs, String resultId) {
    return PENDING_DUE + due(dueAtMs, resultId);
  }

  /** The end of the PENDING due range: every PENDING key due at or before {@code nowMs}. */
  static String pendingDueUpTo(long nowMs) {
    return PENDING_DUE + dueUpTo(nowMs);
  }

  static long dueAtOf(String dueKey) {
    int from = dueKey.startsWith(PENDING_DUE) ? PENDING_DUE.length() : 0;
    return Long.parseLong(dueKey.substring(from, from + 19));
  }

  static String resultIdOfDue(String dueKey) {
    int from = dueKey.startsWith(PENDING_DUE) ? PENDING_DUE.length() : 0;
    return dueKey.substring(from + 20);
  }

  static String byStatus(DeliveryStatus status, long receivedAtMs, String resultId) {
    return status.getNumber() + "/" + position(receivedAtMs, resultId);
  }

  /** The part of a status-index key after the status: the same order in every status. */
  static String position(long receivedAtMs, String resultId) {
    return inverted(receivedAtMs) + "/" + resultId;
  }

  static String inverted(long receivedAtMs) {
    return pad(Long.MAX_VALUE - Math.max(0, receivedAtMs));
  }

  static String statusPrefix(DeliveryStatus status) {
    return status.getNumber() + "/";
  }

  static String byTerminal(
      String terminalId, DeliveryStatus status, long receivedAtMs, String resultId) {
    return terminalPrefix(terminalId) + byStatus(status, receivedAtMs, resultId);
  }

  static String terminalPrefix(String terminalId) {
    return terminalId + "/";
  }

  /** {@code value} (>= 0) in 19 digits with leading zeros, as {@code "%019d"} without Formatter. */
  static String pad(long value) {
    String digits = Long.toString(value);
    return digits.length() >= 19 ? digits : "0".repeat(19 - digits.length()) + digits;
  }
}
