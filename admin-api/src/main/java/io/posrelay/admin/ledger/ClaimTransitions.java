package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.time.Instant;

/** What one claim does to one record: the claim half of the {@link DeliveryLedger} state machine. */
final class ClaimTransitions {
  private ClaimTransitions() {}

  static void apply(
      LedgerEntry entry,
      DeliveryClaim claim,
      Instant now,
      LedgerIndex index,
      LedgerMeters meters,
      Duration ackBackstop) {
    if (entry.countIfDuplicate(claim)) {
      meters.duplicateClaims.increment();
      entry.updatedAt = now;
    }
    if (entry.status == DeliveryStatus.DELIVERY_STATUS_DELIVERED) {
      return; // final
    }
    Instant at = claim.hasAt() ? LedgerEntry.instant(claim.getAt()) : now;
    switch (claim.getOutcome()) {
      case OUTCOME_CLAIMED -> {
        takeClaimant(entry, claim, now);
        entry.claimedAt = at;
        index.setStatus(entry, DeliveryStatus.DELIVERY_STATUS_DELIVERING);
        index.setDeadline(entry, now.plus(ackBackstop));
      }
      case OUTCOME_DELIVERED -> {
        takeClaimant(entry, claim, now);
        entry.deliveredAt = at;
        index.setStatus(entry, DeliveryStatus.DELIVERY_STATUS_DELIVERED);
        index.setDeadline(entry, null);
      }
      case OUTCOME_FAILED -> {
        if (entry.status == DeliveryStatus.DELIVERY_STATUS_DELIVERING
            && !entry.isFromCurrentClaimant(claim)) {
          return; // an older attempt failing does not fail the current one
        }
        if (!entry.nodeId.equals(claim.getNodeId()) && !claim.getNodeId().isEmpty()) {
          entry.nodeId = claim.getNodeId();
          entry.sessionId = claim.getSessionId();
        }
        FailureReason reason =
            claim.getFailureReason() == FailureReason.UNRECOGNIZED
                ? FailureReason.FAILURE_REASON_UNSPECIFIED
                : claim.getFailureReason();
        fail(entry, reason, at, now, index, meters);
      }
      default -> {
        // Rejected by DeliveryLedger.onClaim before it gets here.
      }
    }
  }

  /** Moves {@code entry} to FAILED with {@code reason}; counts it if it was not FAILED already. */
  static void fail(
      LedgerEntry entry,
      FailureReason reason,
      Instant failedAt,
      Instant now,
      LedgerIndex index,
      LedgerMeters meters) {
    if (entry.status != DeliveryStatus.DELIVERY_STATUS_FAILED) {
      meters.failure(reason);
    }
    entry.failureReason = reason;
    entry.failedAt = failedAt;
    entry.updatedAt = now;
    index.setStatus(entry, DeliveryStatus.DELIVERY_STATUS_FAILED);
    index.setDeadline(entry, null);
  }

  private static void takeClaimant(LedgerEntry entry, DeliveryClaim claim, Instant now) {
    entry.nodeId = claim.getNodeId();
    entry.sessionId = claim.getSessionId();
    entry.failureReason = FailureReason.FAILURE_REASON_UNSPECIFIED;
    entry.updatedAt = now;
  }
}
