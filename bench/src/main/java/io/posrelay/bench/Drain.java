package io.posrelay.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Bounded waits of a benchmark phase that end early when the operator stops the run. */
final class Drain {
  private static final long POLL_NANOS = 50_000_000L;

  private Drain() {}

  /**
   * Parks until {@link System#nanoTime()} reaches {@code dueNanos}.
   *
   * @return false if a stop was requested before
   */
  static boolean parkUntil(long dueNanos, BooleanSupplier stopRequested) {
    for (long left = dueNanos - System.nanoTime(); left > 0; left = dueNanos - System.nanoTime()) {
      if (stopRequested.getAsBoolean()) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, POLL_NANOS));
    }
    return !stopRequested.getAsBoolean();
  }

  /**
   * Polls {@code done} every 50 ms until it holds, {@code timeout} passes or a stop is requested.
   *
   * @return whether {@code done} held
   */
  static boolean await(BooleanSupplier done, Duration timeout, BooleanSupplier stopRequested) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline >= 0 || stopRequested.getAsBoolean()) {
        return done.getAsBoolean();
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
    return true;
  }
}
