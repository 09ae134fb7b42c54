package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of {@code relayctl admin list}: one row per delivery, in the order given (admin-api
 * returns newest first), columns padded to their widest cell:
 *
 * <pre>
 * RESULT_ID   TERMINAL  STATUS     REASON     NODE     RECEIVED_AT               AMOUNT
 * 3f2a…       T0001     FAILED     UNCLAIMED  -        2026-11-29T03:34:56.120Z  15000 KRW
 * </pre>
 */
final class DeliveryTable {
  static final List<String> HEADER =
      List.of("RESULT_ID", "TERMINAL", "STATUS", "REASON", "NODE", "RECEIVED_AT", "AMOUNT");

  private DeliveryTable() {}

  /**
   * Prints the header and one row per delivery.
   *
   * @param deliveries rows in display order; empty prints the header only
   * @param out where to print
   */
  static void print(List<Delivery> deliveries, PrintWriter out) {
    List<List<String>> rows = new ArrayList<>(deliveries.size() + 1);
    rows.add(HEADER);
    for (Delivery delivery : deliveries) {
      rows.add(row(delivery));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < widths.length - 1) {
          line.append(" ".repeat(widths[i] - cell.length() + 2));
        }
      }
      out.println(line);
    }
  }

  private static List<String> row(Delivery delivery) {
    return List.of(
        delivery.getResultId(),
        LedgerText.orNone(delivery.getTerminalId()),
        LedgerText.status(delivery.getStatus()),
        LedgerText.reason(delivery.getFailureReason()),
        LedgerText.orNone(delivery.getNodeId()),
        LedgerText.time(delivery.getReceivedAt()),
        LedgerText.amount(delivery.getPaymentResult()));
  }
}
