package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.v1.PaymentResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The readable block of {@code relayctl admin get}: the delivery's fields, its payment result and
 * its timeline, one step a line, oldest first.
 *
 * <pre>
 * result_id         3f2a…
 * status            FAILED (ACK_TIMEOUT), attempt 1
 * …
 * timeline
 *   2026-11-29T03:34:56.120Z  PENDING     -            node -        session -    attempt 1
 *   2026-11-29T03:34:56.180Z  DELIVERING  -            node relay-1  session s-7  attempt 1
 * </pre>
 */
final class DeliveryBlock {
  private DeliveryBlock() {}

  /**
   * Prints the delivery and its timeline.
   *
   * @param delivery as GetDelivery returned it
   * @param out where to print
   */
  static void print(Delivery delivery, PrintWriter out) {
    PaymentResult result = delivery.getPaymentResult();
    String status = LedgerText.status(delivery.getStatus());
    if (delivery.getFailureReason().getNumber() != 0) {
      status += " (" + LedgerText.reason(delivery.getFailureReason()) + ")";
    }
    field(out, "result_id", delivery.getResultId());
    field(out, "status", status + ", attempt " + delivery.getAttempt());
    field(out, "terminal", LedgerText.orNone(delivery.getTerminalId()));
    field(out, "merchant", LedgerText.orNone(delivery.getMerchantId()));
    field(out, "node", LedgerText.orNone(delivery.getNodeId()));
    field(out, "session", LedgerText.orNone(delivery.getSessionId()));
    field(out, "received_at", LedgerText.time(delivery.getReceivedAt()));
    field(out, "claimed_at", LedgerText.time(delivery.getClaimedAt()));
    field(out, "delivered_at", LedgerText.time(delivery.getDeliveredAt()));
    field(out, "failed_at", LedgerText.time(delivery.getFailedAt()));
    if (delivery.hasReversalRequiredAt()) {
      field(out, "reversal_at", LedgerText.time(delivery.getReversalRequiredAt())
          + "  (reverse it; it is never delivered again)");
    }
    if (delivery.hasConflict()) {
      field(out, "CONFLICT", "acked at " + LedgerText.time(delivery.getConflict().getAckedAt())
          + " by node " + LedgerText.orNone(delivery.getConflict().getNodeId()) + " session "
          + LedgerText.orNone(delivery.getConflict().getSessionId())
          + ", after the reversal decision: the terminal may show this approval");
    }
    field(out, "updated_at", LedgerText.time(delivery.getUpdatedAt()));
    field(out, "duplicate_claims", Integer.toString(delivery.getDuplicateClaims()));
    field(out, "amount", LedgerText.amount(result));
    field(out, "result_code", LedgerText.orNone(result.getResultCode())
        + (result.getResultMessage().isEmpty() ? "" : " " + result.getResultMessage()));
    field(out, "approval_number", LedgerText.orNone(result.getApprovalNumber()));
    field(out, "card", LedgerText.orNone(result.getCardNumberMasked()));
    field(out, "transaction_id", LedgerText.orNone(result.getTransactionId()));
    field(out, "order_id", LedgerText.orNone(result.getOrderId()));
    field(out, "approved_at", LedgerText.time(result.getApprovedAt()));
    out.println("timeline");
    if (delivery.getTimelineCount() == 0) {
      out.println("  (no steps)");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    for (DeliveryStep step : delivery.getTimelineList()) {
      rows.add(new String[] {
        LedgerText.time(step.getAt()),
        LedgerText.status(step.getStatus()),
        LedgerText.reason(step.getReason()),
        "node " + LedgerText.orNone(step.getNodeId()),
        "session " + LedgerText.orNone(step.getSessionId()),
        "attempt " + step.getAttempt()
      });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }

  private static void field(PrintWriter out, String name, String value) {
    out.printf("%-18s%s%n", name, value);
  }
}
