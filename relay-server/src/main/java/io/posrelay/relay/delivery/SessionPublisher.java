package io.posrelay.relay.delivery;

import io.posrelay.v1.TerminalSession;
import java.time.Duration;

/**
 * Where a relay node announces each new terminal session: the compacted {@code
 * posrelay.sessions} topic in production, a list in tests. Every node reads the announcements
 * and closes its own older session of that terminal (session takeover).
 *
 * <p>Implementations must be thread-safe and must never block the caller: {@link #publish} is
 * called on Netty event loops, where a wait for Kafka would freeze every terminal of that loop.
 * The production one hands each announcement to its own sending thread through a bounded queue
 * ({@code KafkaEventPublisher}).
 *
 * <p><b>An announcement that cannot be queued</b> (the queue is full, or Kafka did not answer the
 * last send) is dropped: counted ({@code posrelay.relay.sessions.dropped}) and logged as at most
 * one line a second. The new session works as usual, but the takeover of the terminal's older
 * session on another node is late: that session lives until it ends by itself (the terminal's
 * idle timeout, or its next Hello there), and while both live a result may reach the terminal
 * twice (the ledger counts the duplicate claim).
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
