package io.posrelay.ingest.receipt;

import java.time.Clock;
import java.util.Collection;

/**
 * What the receipt sender's lanes hold, for gauges and health: written by the sender's thread
 * after each step, read from any thread (volatile fields).
 */
final class LaneStats {
  private final Clock clock;
  private volatile int buffered;
  private volatile int maxBuffered;
  private volatile long oldestUnsentMillis = Long.MAX_VALUE;

  LaneStats(Clock clock) {
    this.clock = clock;
  }

  /** Recounts; on the sender's thread. */
  void update(Collection<PartitionLane> lanes) {
    int total = 0;
    long oldest = Long.MAX_VALUE;
    for (PartitionLane lane : lanes) {
      total += lane.size();
      PartitionLane.Entry head = lane.head();
      Receipt receipt = head == null ? null : head.receipt();
      if (receipt != null) {
        oldest = Math.min(oldest, receipt.at().toEpochMilli());
      }
    }
    buffered = total;
    if (total > maxBuffered) {
      maxBuffered = total;
    }
    oldestUnsentMillis = oldest;
  }

  int buffered() {
    return buffered;
  }

  int maxBuffered() {
    return maxBuffered;
  }

  /** Seconds since the oldest unsent receipt's transition; 0 if none. */
  double oldestUnsentSeconds() {
    long oldest = oldestUnsentMillis;
    return oldest == Long.MAX_VALUE ? 0 : Math.max(0, clock.millis() - oldest) / 1000.0;
  }
}
