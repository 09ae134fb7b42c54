package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.Map;

/**
 * The ledger's counts, kept incrementally by the processor and summed over partitions.
 *
 * @param byStatus records per status; statuses with none are absent
 * @param byReason FAILED and EXPIRED records per failure reason; reasons with none are absent
 * @param oldestPendingAge how long ago the oldest PENDING result was received; zero if none
 * @param duplicateClaims duplicate claims summed over the records held
 * @param conflicts records with a conflict: acked after their reversal decision
 */
public record LedgerStats(
    Map<DeliveryStatus, Long> byStatus,
    Map<FailureReason, Long> byReason,
    Duration oldestPendingAge,
    long duplicateClaims,
    long conflicts) {
  /** Records in REVERSAL_REQUIRED. */
  public long reversalsRequired() {
    return byStatus.getOrDefault(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED, 0L);
  }
}
