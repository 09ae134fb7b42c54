package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;

/**
 * One line of {@code relayctl admin watch} per ledger transition, grep-friendly:
 *
 * <pre>
 * 2026-11-29T03:35:01.180Z T0001 3f2a… DELIVERING -> FAILED reason=ACK_TIMEOUT node=relay-1 session=s-7 attempt=1
 * </pre>
 *
 * <p>{@code NEW} stands for the status before the ledger first saw the result. A conflict (an ack
 * after the reversal decision) ends with {@code CONFLICT}:
 *
 * <pre>
 * 2026-11-29T03:36:01.020Z T0001 3f2a… REVERSAL_REQUIRED -> REVERSAL_REQUIRED node=relay-1 session=s-7 attempt=1 CONFLICT
 * </pre>
 */
final class EventLine {
  private EventLine() {}

  /** The event as one line, without a line break. */
  static String of(DeliveryEvent event) {
    String from = event.getFrom() == DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
        ? "NEW"
        : LedgerText.status(event.getFrom());
    StringBuilder line = new StringBuilder()
        .append(LedgerText.time(event.getAt())).append(' ')
        .append(LedgerText.orNone(event.getTerminalId())).append(' ')
        .append(event.getResultId()).append(' ')
        .append(from).append(" -> ").append(LedgerText.status(event.getTo()));
    if (event.getReasonValue() != 0) {
      line.append(" reason=").append(LedgerText.reason(event.getReason()));
    }
    if (!event.getNodeId().isEmpty()) {
      line.append(" node=").append(event.getNodeId());
    }
    if (!event.getSessionId().isEmpty()) {
      line.append(" session=").append(event.getSessionId());
    }
    line.append(" attempt=").append(event.getAttempt());
    if (event.getConflict()) {
      line.append(" CONFLICT");
    }
    return line.toString();
  }
}
