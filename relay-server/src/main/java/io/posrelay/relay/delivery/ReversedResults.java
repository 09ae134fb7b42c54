package io.posrelay.relay.delivery;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;

/**
 * The results the ledger decided REVERSAL_REQUIRED, as this node read them from {@code
 * posrelay.delivery-events}, so that {@link DeliveryTracker} never writes such a result to its
 * terminal again: not from the results topic (an ILK retry of the callback re-publishes the same
 * {@code result_id}), not from recovery. The ledger's decision is final, so the id alone decides;
 * the attempt does not matter ({@code RetryDelivery} refuses a REVERSAL_REQUIRED result).
 *
 * <p><b>Bounds.</b> An id is kept for {@code reversals.ttl.ms} (24 h by default: as long as the
 * ledger keeps a FAILED result, far longer than ILK retries a callback, which it stops at the
 * reversal deadline) and at most {@code reversals.max-entries} ids (100,000 by default, about
 * 10 MB) are kept, the oldest forgotten first. The delivery-events reader starts at the end of the
 * topic, so a node knows the decisions taken since it started. Past those bounds (an id forgotten,
 * or decided before this node started) a repeated callback is delivered as before, and if the
 * terminal acks it the ledger records a conflict (counted, alerted, receipted to ILK): never a
 * silent DELIVERED.
 *
 * <p>Thread-safe: {@link #onDeliveryEvent} runs on the delivery-events reader's poll thread,
 * {@link #contains} on the sessions' event loops.
 */
public final class ReversedResults {
  private final RecentResultIds ids;

  /**
   * @param ids the set that holds the decided ids, with its bounds
   */
  public ReversedResults(RecentResultIds ids) {
    this.ids = ids;
  }

  /**
   * Remembers the result of a REVERSAL_REQUIRED event (the decision, or a later conflict on it);
   * ignores every other event. Never blocks.
   *
   * @param event a record of {@code posrelay.delivery-events}
   * @throws MalformedRecordException if a REVERSAL_REQUIRED event names no result ({@link
   *     RecordChecks#check(DeliveryEvent)}); the reader logs and counts it with its coordinates
   */
  public void onDeliveryEvent(DeliveryEvent event) {
    if (event.getTo() != DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED) {
      return;
    }
    RecordChecks.check(event);
    ids.add(event.getResultId());
  }

  /**
   * @param resultId a result id
   * @return whether the ledger decided it REVERSAL_REQUIRED (as far as this node knows, within
   *     the bounds above)
   */
  public boolean contains(String resultId) {
    return ids.contains(resultId);
  }

  /** The number of ids held, expired ones not purged yet included; for a gauge. */
  public int size() {
    return ids.size();
  }
}
