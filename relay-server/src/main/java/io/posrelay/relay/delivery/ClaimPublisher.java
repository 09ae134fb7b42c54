package io.posrelay.relay.delivery;

import io.posrelay.v1.DeliveryClaim;
import java.time.Duration;

/**
 * Where a relay node states the outcome of each delivery: the {@code posrelay.claims} topic in
 * production, a list in tests.
 *
 * <p>Implementations must be thread-safe and must never block the caller: {@link #publish} is
 * called on Netty event loops, where a wait for Kafka would freeze every terminal of that loop.
 * The production one hands each claim to its own sending thread through a bounded queue ({@code
 * KafkaEventPublisher}).
 *
 * <p><b>A claim that cannot be queued</b> (the queue is full, or Kafka did not answer the last
 * send) is dropped: counted ({@code posrelay.relay.claims.dropped}) and logged as at most one
 * line a second. The ledger then hears nothing of that delivery; unless a later claim of the same
 * result gets through, it fails the result at its claim deadline (FAILED UNCLAIMED) or, after an
 * earlier CLAIMED got through, at its ack backstop (FAILED ACK_TIMEOUT). Recovery mends it: on
 * the UNCLAIMED event the node holding the terminal asks the ledger at once ({@link
 * FailedDeliveryWatcher}), on the ACK_TIMEOUT backstop (same session) at the terminal's next
 * Hello. A result the terminal already acked on this node is then not written again but claimed
 * DELIVERED again ({@link DeliveryTracker}), so the ledger ends DELIVERED; one acked longer ago
 * than the dedup window is written again and the terminal deduplicates it by result_id.
 */
public interface ClaimPublisher extends AutoCloseable {

  /**
   * Publishes one claim asynchronously, keyed by its terminal id. A failure to publish is the
   * implementation's to log and count; it is never thrown at the caller.
   *
   * @param claim the claim, with every field set
   */
  void publish(DeliveryClaim claim);

  /**
   * Sends what is buffered and releases resources, waiting at most {@code timeout}.
   *
   * @param timeout upper bound for flushing, >= 0
   */
  void close(Duration timeout);

  /** Same as {@link #close(Duration)} with 5 seconds. */
  @Override
  default void close() {
    close(Duration.ofSeconds(5));
  }
}
