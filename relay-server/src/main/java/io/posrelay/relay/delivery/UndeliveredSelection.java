package io.posrelay.relay.delivery;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which of the ledger's answer to a recovery fetch is redelivered, and in what order: the rule of
 * {@link SessionRecovery}, kept apart so it can be read (and tested) on its own. Stateless.
 */
final class UndeliveredSelection {
  private UndeliveredSelection() {}

  /**
   * The results to redeliver, oldest first by received_at, each result id once: FAILED, and
   * PENDING received at least {@code claimDeadline} before {@code now}.
   *
   * @param deliveries the ledger's answer
   * @param now the current time
   * @param claimDeadline the ledger's claim deadline
   * @return the results, possibly empty
   */
  static List<PaymentResult> due(
      List<Delivery> deliveries, Instant now, Duration claimDeadline) {
    List<Delivery> due = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Delivery d : deliveries) {
      boolean failed = d.getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED;
      boolean unclaimed = d.getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING
          && !receivedAt(d).plus(claimDeadline).isAfter(now);
      if ((failed || unclaimed) && d.hasPaymentResult() && seen.add(d.getResultId())) {
        due.add(d);
      }
    }
    due.sort(Comparator.comparing(UndeliveredSelection::receivedAt));
    List<PaymentResult> results = new ArrayList<>(due.size());
    for (Delivery d : due) {
      PaymentResult result = d.getPaymentResult();
      // Claims carry the ledger's latest attempt, so they count for the current publication.
      results.add(d.getAttempt() > result.getAttempt()
          ? result.toBuilder().setAttempt(d.getAttempt()).build()
          : result);
    }
    return results;
  }

  /** When the youngest PENDING result still within its claim deadline reaches it; or null. */
  static @Nullable Instant youngestPendingDue(
      List<Delivery> deliveries, Instant now, Duration claimDeadline) {
    Instant latest = null;
    for (Delivery d : deliveries) {
      if (d.getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING) {
        Instant due = receivedAt(d).plus(claimDeadline);
        if (due.isAfter(now) && (latest == null || due.isAfter(latest))) {
          latest = due;
        }
      }
    }
    return latest;
  }

  /** When the ledger received it; one out of range (a malformed record) counts as the oldest. */
  private static Instant receivedAt(Delivery d) {
    Timestamp at = d.hasReceivedAt() ? d.getReceivedAt() : d.getPaymentResult().getReceivedAt();
    return RecordChecks.isValid(at) ? Instant.ofEpochSecond(at.getSeconds(), at.getNanos())
        : Instant.MIN;
  }
}
