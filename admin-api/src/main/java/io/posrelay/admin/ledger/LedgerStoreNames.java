package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;

/**
 * Names of the ledger's state stores (each backed by a changelog topic {@code
 * <application.id>-<name>-changelog}) and the keys of the counts store. Public because interactive
 * queries and tests address the stores by name.
 */
public final class LedgerStoreNames {
  /** result_id → {@code LedgerRecord} bytes. */
  public static final String RECORDS = "ledger-records";
  /** {@link LedgerKeys#due} → "R" (a record is due) or "C" (early claims are due). */
  public static final String DUE = "ledger-due";
  /** {@link LedgerKeys#byStatus} → "" : the listing index. */
  public static final String BY_STATUS = "ledger-by-status";
  /**
   * {@link LedgerKeys#byTerminal} → "" : the undelivered (PENDING and FAILED) records of each
   * terminal, so that a terminal's recovery reads its own entries, not every undelivered one.
   */
  public static final String BY_TERMINAL = "ledger-by-terminal";
  /**
   * "S/" + a {@link LedgerKeys#byStatus} key and "T/" + a {@link LedgerKeys#byTerminal} key →
   * "" : the index entries of PENDING records, in memory without a changelog ({@link
   * PendingIndex}); rebuilt from {@link #DUE} when a task starts.
   */
  public static final String PENDING_INDEX = "ledger-pending-index";
  /** counter name → count ({@link #statusCount}, {@link #reasonCount}, {@link #DUPLICATES}). */
  public static final String COUNTS = "ledger-counts";
  /** result_id → {@code EarlyClaims} bytes: claims that arrived before their result. */
  public static final String EARLY_CLAIMS = "ledger-early-claims";

  /** Counts-store key: duplicate claims summed over the records held. */
  public static final String DUPLICATES = "duplicates";
  /** Counts-store key: records with a conflict (an ack after their reversal decision). */
  public static final String CONFLICTS = "conflicts";
  /** Counts-store key: results whose claims wait for them. */
  public static final String WAITING_EARLY_CLAIMS = "early-claims";

  private LedgerStoreNames() {}

  /** Counts-store key: records in {@code status}. */
  public static String statusCount(DeliveryStatus status) {
    return "status/" + status.getNumber();
  }

  /** Counts-store key: FAILED or EXPIRED records with {@code reason}. */
  public static String reasonCount(FailureReason reason) {
    return "reason/" + reason.getNumber();
  }
}
