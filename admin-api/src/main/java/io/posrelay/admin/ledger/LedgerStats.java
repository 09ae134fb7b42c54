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
 */
public record LedgerStats(
    Map<DeliveryStatus, Long> byStatus,
    Map<FailureReason, Long> byReason,
    Duration oldestPendingAge,
    long duplicateClaims) {}
