package io.posrelay.relay.delivery;

import io.posrelay.v1.TerminalSession;
import java.time.Duration;

/**
 * Where a relay node announces each new terminal session: the compacted {@code
 * posrelay.sessions} topic in production, a list in tests. Every node reads the announcements
 * and closes its own older session of that terminal (session takeover).
 *
 * <p>Implementations must be thread-safe and must not block the caller for long: {@link
 * #publish} is called on Netty event loops.
 */
public interface SessionPublisher extends AutoCloseable {

  /**
   * Publishes one session asynchronously, keyed by its terminal id. A failure to publish is the
   * implementation's to log and count; it is never thrown at the caller.
   *
   * @param session the session, with every field set
   */
  void publish(TerminalSession session);

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
