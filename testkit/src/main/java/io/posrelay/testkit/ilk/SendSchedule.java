package io.posrelay.testkit.ilk;

import java.time.Duration;

/**
 * When each message of a fixed-rate load is due, with an optional linear ramp: over the first
 * {@code ramp} the rate rises evenly from 0 to the full rate, then stays there. Message {@code n}
 * (1-based) is due at {@code start + t(n − 1)}, where for {@code k = n − 1} messages sent before
 * it, at period {@code p = 1 / rate} and ramp {@code R}:
 *
 * <ul>
 *   <li>{@code t(k) = sqrt(2 R k p)} while {@code k < R / (2p)} (the ramp sends half as many as
 *       the full rate would in the same time);
 *   <li>{@code t(k) = k p + R / 2} after it.
 * </ul>
 *
 * <p>A ramp spares the warm-up of a benchmark the backlog that the full rate leaves behind while
 * every JVM's JIT compilers still compete for the cores. {@link IlkSimulator} sends on this
 * schedule and {@code relayctl bench} times each result against it, so both agree to the
 * nanosecond. The period is {@code max(1, (long) (1e9 / rate))} ns. Immutable.
 *
 * @param startNanos {@link System#nanoTime()} when message 1 is due
 * @param periodNanos nanoseconds between two messages at the full rate, >= 1
 * @param rampNanos nanoseconds over which the rate rises from 0 to full, >= 0 (0 = none)
 */
public record SendSchedule(long startNanos, long periodNanos, long rampNanos) {

  /**
   * @throws IllegalArgumentException if the period is below 1 or the ramp negative
   */
  public SendSchedule {
    if (periodNanos < 1 || rampNanos < 0) {
      throw new IllegalArgumentException(
          "period " + periodNanos + " ns, ramp " + rampNanos + " ns (expected: >= 1, >= 0)");
    }
  }

  /**
   * A schedule at {@code ratePerSecond} from {@code startNanos}, ramped over {@code ramp}.
   *
   * @param ratePerSecond the full rate, > 0
   * @param ramp how long the rate takes to rise from 0 to full; zero = the full rate at once
   */
  public static SendSchedule of(long startNanos, double ratePerSecond, Duration ramp) {
    return new SendSchedule(startNanos, Math.max(1, (long) (1e9 / ratePerSecond)),
        ramp.toNanos());
  }

  /** When message {@code sequence} (1-based) is due, {@link System#nanoTime()}. */
  public long intendedNanos(long sequence) {
    return startNanos + offsetNanos(sequence - 1);
  }

  /**
   * How many messages are due in the first {@code elapsedNanos} of the schedule (those whose
   * offset from the start is below it).
   */
  public long dueWithin(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 0;
    }
    if (elapsedNanos <= rampNanos) {
      // k with sqrt(2 R k p) < elapsed: k < elapsed² / (2 R p)
      double bound = (double) elapsedNanos * elapsedNanos / (2.0 * rampNanos * periodNanos);
      long k = (long) Math.ceil(bound);
      while (k > 0 && offsetNanos(k - 1) >= elapsedNanos) {
        k--;
      }
      while (offsetNanos(k) < elapsedNanos) {
        k++;
      }
      return k;
    }
    // k with k p + R / 2 < elapsed, plus every message of the ramp
    long afterRamp = elapsedNanos - rampNanos / 2;
    return Math.max(rampMessages(), (afterRamp + periodNanos - 1) / periodNanos);
  }

  private long offsetNanos(long k) {
    if (k < rampMessages()) {
      return (long) Math.sqrt(2.0 * rampNanos * k * periodNanos);
    }
    return k * periodNanos + rampNanos / 2;
  }

  /** Messages due during the ramp: those with {@code k < R / (2p)}. */
  private long rampMessages() {
    return (rampNanos + 2 * periodNanos - 1) / (2 * periodNanos);
  }
}
