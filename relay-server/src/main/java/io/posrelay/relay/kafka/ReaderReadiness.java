package io.posrelay.relay.kafka;

import io.posrelay.runtime.management.Health;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a broadcast reader counts as doing its job, for the relay node's {@code /health/ready}.
 * A reader is UP when all of these hold:
 *
 * <ul>
 *   <li>it is {@link ReaderSnapshot.State#READING}: not starting, not waiting to restart after it died,
 *       not given up, not stopped, and its poll thread is alive;
 *   <li>it has its partitions: at least one is assigned (every partition of the topic is, by
 *       construction);
 *   <li>it polls: its last poll is at most {@code maxPollGap} ago (a handler that blocks the
 *       poll thread shows here);
 *   <li>with a lag bound: it is caught up, its lag known and at most {@code maxLagRecords}.
 * </ul>
 *
 * Stateless; each method is a pure function of its arguments.
 */
public final class ReaderReadiness {
  /** A poll thread that has not polled for this long is stalled. */
  public static final Duration MAX_POLL_GAP = Duration.ofSeconds(15);
  /** No lag bound: the reader need only be alive. */
  public static final long NO_LAG_BOUND = Long.MAX_VALUE;

  private ReaderReadiness() {}

  /**
   * The reader's readiness.
   *
   * @param reader its snapshot
   * @param maxLagRecords the most records it may be behind, >= 0; {@link #NO_LAG_BOUND} = no bound
   *     (an unknown lag is then fine too)
   * @param maxPollGap the longest time since its last poll, > 0
   * @return UP with its partitions and lag, or DOWN saying which rule failed
   */
  public static Health.Status of(ReaderSnapshot reader, long maxLagRecords, Duration maxPollGap) {
    switch (reader.state()) {
      case STARTING:
        return Health.Status.down("starting");
      case RESTARTING:
        return Health.Status.down("died, " + reader.detail());
      case FAILED:
        return Health.Status.down(reader.detail());
      case STOPPED:
        return Health.Status.down("stopped");
      case READING:
        break;
    }
    if (reader.partitions() == 0) {
      return Health.Status.down("no partition of " + reader.topic() + " assigned (topic missing?)");
    }
    if (reader.sinceLastPollNanos() > maxPollGap.toNanos()) {
      return Health.Status.down("stalled: no poll for "
          + TimeUnit.NANOSECONDS.toMillis(reader.sinceLastPollNanos()) + " ms (at most "
          + maxPollGap.toMillis() + " ms)");
    }
    String partitions = reader.partitions() + " partition(s) of " + reader.topic();
    if (maxLagRecords == NO_LAG_BOUND) {
      return Health.Status.up(partitions + (reader.lagRecords() < 0 ? ""
          : ", lag " + reader.lagRecords() + " records"));
    }
    if (reader.lagRecords() < 0) {
      return Health.Status.down(partitions + ", lag unknown (no fetch answered yet)");
    }
    if (reader.lagRecords() > maxLagRecords) {
      return Health.Status.down(partitions + ", lag " + reader.lagRecords() + " records (at most "
          + maxLagRecords + "): not caught up");
    }
    return Health.Status.up(partitions + ", lag " + reader.lagRecords() + " records (at most "
        + maxLagRecords + ")");
  }
}
