package io.posrelay.relayctl;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a demo run: what happened to every published result, by the ledger.
 *
 * @param published results the webhook accepted (202)
 * @param delivered ledger DELIVERED: acked by a simulated terminal
 * @param failedUnclaimed ledger FAILED with FAILURE_REASON_UNCLAIMED: no node held the terminal
 * @param failedOther ledger FAILED for another reason, EXPIRED, or REVERSAL_REQUIRED for
 *     another reason than UNCLAIMED (a terminal the demo held, not delivered in time) or with a
 *     conflict (a terminal acked it after the decision: it was delivered after all)
 * @param reversalRequired ledger REVERSAL_REQUIRED of approvals that were FAILED UNCLAIMED (no node
 *     held the terminal) when their reversal deadline passed, with no conflict: never delivered,
 *     to be reversed
 * @param duplicateReceptions result frames a terminal received for a result_id it already had
 * @param duplicateClaims sum of the ledger's duplicate_claims over the published results
 * @param lost published − delivered − failed (any) − reversal required: results the ledger does
 *     not account for
 *     (missing, PENDING or DELIVERING); must be 0
 * @param latencySamples results with a latency measurement
 * @param latencyP50Millis median time from the webhook POST to the frame at the terminal, ms
 * @param latencyP99Millis 99th percentile of the same, ms
 */
public record DemoSummary(
    long published,
    long delivered,
    long failedUnclaimed,
    long failedOther,
    long reversalRequired,
    long duplicateReceptions,
    long duplicateClaims,
    long lost,
    long latencySamples,
    double latencyP50Millis,
    double latencyP99Millis) {

  /**
   * Computes the summary.
   *
   * @param publishedResultIds result ids of the accepted callbacks (distinct)
   * @param ledger deliveries by result_id as admin-api reports them; may hold other results too
   * @param duplicateReceptions duplicate result frames seen by the simulated terminals
   * @param latencyMicros POST-to-terminal latencies in microseconds
   */
  public static DemoSummary of(
      Collection<String> publishedResultIds,
      Map<String, Delivery> ledger,
      long duplicateReceptions,
      Histogram latencyMicros) {
    long delivered = 0;
    long failedUnclaimed = 0;
    long failedOther = 0;
    long reversalRequired = 0;
    long duplicateClaims = 0;
    for (String resultId : publishedResultIds) {
      Delivery delivery = ledger.get(resultId);
      if (delivery == null) {
        continue;
      }
      duplicateClaims += delivery.getDuplicateClaims();
      DeliveryStatus status = delivery.getStatus();
      if (status == DeliveryStatus.DELIVERY_STATUS_DELIVERED) {
        delivered++;
      } else if (status == DeliveryStatus.DELIVERY_STATUS_FAILED
          && delivery.getFailureReason() == FailureReason.FAILURE_REASON_UNCLAIMED) {
        failedUnclaimed++;
      } else if (status == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED
          && delivery.getFailureReason() == FailureReason.FAILURE_REASON_UNCLAIMED
          && !delivery.hasConflict()) {
        reversalRequired++;
      } else if (status == DeliveryStatus.DELIVERY_STATUS_FAILED
          || status == DeliveryStatus.DELIVERY_STATUS_EXPIRED
          || status == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED) {
        failedOther++;
      }
    }
    long published = publishedResultIds.size();
    long samples = latencyMicros.getTotalCount();
    return new DemoSummary(
        published,
        delivered,
        failedUnclaimed,
        failedOther,
        reversalRequired,
        duplicateReceptions,
        duplicateClaims,
        published - delivered - failedUnclaimed - failedOther - reversalRequired,
        samples,
        samples == 0 ? 0 : latencyMicros.getValueAtPercentile(50) / 1000.0,
        samples == 0 ? 0 : latencyMicros.getValueAtPercentile(99) / 1000.0);
  }

  /** Duplicates of both kinds: terminal receptions plus ledger duplicate claims. */
  public long duplicates() {
    return duplicateReceptions + duplicateClaims;
  }

  /**
   * Whether the run passed: nothing lost, and every result was delivered except those for
   * terminals nobody held (FAILED UNCLAIMED, or REVERSAL_REQUIRED after it).
   */
  public boolean passed() {
    return lost == 0 && delivered == published - failedUnclaimed - reversalRequired;
  }

  /** The summary table, one figure per line, ending with PASS or FAIL. */
  public String table() {
    return table(List.of());
  }

  /**
   * The summary table with a "chaos" row per line of {@code chaos} (what {@code --chaos} did)
   * before the result.
   */
  public String table(List<String> chaos) {
    List<String> rows = new ArrayList<>(Arrays.asList(tableRows()));
    for (int i = 0; i < chaos.size(); i++) {
      rows.add(rows.size() - 1, row(i == 0 ? "chaos" : "", chaos.get(i)));
    }
    return String.join("\n", rows);
  }

  private String[] tableRows() {
    return new String[] {
        "POS Relay demo summary",
        row("published", Long.toString(published)),
        row("delivered", Long.toString(delivered)),
        row("failed (unclaimed)", Long.toString(failedUnclaimed)),
        row("failed (other)", Long.toString(failedOther)),
        row("reversal required", reversalRequired + "  (approvals for terminals nobody held,"
            + " past their reversal deadline: never delivered)"),
        row("duplicates", duplicates() + "  (terminal receptions " + duplicateReceptions
            + ", ledger duplicate claims " + duplicateClaims + ")"),
        row("lost", Long.toString(lost)),
        row("latency p50 / p99 ms", String.format(Locale.ROOT, "%.1f / %.1f  (%d samples)",
            latencyP50Millis, latencyP99Millis, latencySamples)),
        row("result", passed() ? "PASS" : "FAIL")};
  }

  private static String row(String label, String value) {
    return String.format(Locale.ROOT, "  %-22s %s", label, value);
  }
}
