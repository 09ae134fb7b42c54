package io.posrelay.relay.delivery;

import io.posrelay.v1.DeliveryClaim;
import java.time.Duration;

/**
 * Where a relay node states the outcome of each delivery: the {@code posrelay.claims} topic in
 * production, a list in tests.
 *
 * <p>Implementations must be thread-safe and must not block the caller for long: {@link
 * #publish} is called on Netty event loops.
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
