package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ReasonCount;
import io.posrelay.admin.v1.StatusCount;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The block of {@code relayctl admin stats}: every status (0 where admin-api reports none), the
 * failure reasons present, the oldest pending age and the duplicate claims.
 *
 * <pre>
 * records              120
 *   PENDING            3
 *   …
 *   REVERSAL_REQUIRED  1
 * failure reasons
 *   UNCLAIMED          7
 * oldest pending       12.3s
 * duplicate claims     2
 * reversals required   1
 * conflicts            0
 * </pre>
 */
final class StatsBlock {
  private StatsBlock() {}

  /**
   * Prints the counts.
   *
   * @param stats as GetStats returned them
   * @param out where to print
   */
  static void print(GetStatsResponse stats, PrintWriter out) {
    Map<DeliveryStatus, Long> byStatus = new EnumMap<>(DeliveryStatus.class);
    for (StatusCount count : stats.getStatusCountsList()) {
      byStatus.merge(count.getStatus(), count.getCount(), Long::sum);
    }
    line(out, "records", Long.toString(stats.getTotal()));
    for (DeliveryStatus status : DeliveryStatus.values()) {
      if (status == DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED
          || status == DeliveryStatus.UNRECOGNIZED) {
        continue;
      }
      line(out, "  " + LedgerText.status(status), Long.toString(byStatus.getOrDefault(status, 0L)));
    }
    out.println("failure reasons");
    if (stats.getReasonCountsCount() == 0) {
      out.println("  none");
    }
    for (ReasonCount count : stats.getReasonCountsList()) {
      line(out, "  " + LedgerText.reason(count.getReason()), Long.toString(count.getCount()));
    }
    com.google.protobuf.Duration oldest = stats.getOldestPendingAge();
    boolean anyPending = byStatus.getOrDefault(DeliveryStatus.DELIVERY_STATUS_PENDING, 0L) > 0
        || oldest.getSeconds() != 0 || oldest.getNanos() != 0;
    line(out, "oldest pending", anyPending
        ? LedgerText.age(Duration.ofSeconds(oldest.getSeconds(), oldest.getNanos()))
        : "none");
    line(out, "duplicate claims", Long.toString(stats.getDuplicateClaims()));
    line(out, "reversals required", Long.toString(stats.getReversalsRequired()));
    line(out, "conflicts", Long.toString(stats.getConflicts()));
  }

  private static void line(PrintWriter out, String name, String value) {
    out.printf("%-21s%s%n", name, value); // "  REVERSAL_REQUIRED" + 2
  }
}
