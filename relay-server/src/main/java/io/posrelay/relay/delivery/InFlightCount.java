package io.posrelay.relay.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many results are written and not yet acked or failed, on all sessions of a node, and a
 * wait for that to reach zero at shutdown. Thread-safe: the session event loops count, the
 * closing thread waits, the scraping thread reads.
 */
final class InFlightCount {
  private final AtomicInteger count = new AtomicInteger();
  private final Object drained = new Object();

  /** The number now, >= 0. */
  int get() {
    return count.get();
  }

  /** One more result written. */
  void increment() {
    count.incrementAndGet();
  }

  /** One result acked or failed; wakes the waiters when none is left. */
  void decrement() {
    if (count.decrementAndGet() == 0) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  /**
   * Waits until none is in flight, at most {@code timeout}.
   *
   * @param timeout upper bound, >= 0
   * @return {@code true} if none is in flight
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitZero(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (drained) {
      while (count.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(drained, left);
      }
      return true;
    }
  }
}
