package io.posrelay.runtime.log;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a repeated warning of one kind as at most one line per interval (1 s unless told), each
 * line saying how many were left out since the one before, so that a misbehaving client, a flood
 * of bad frames or a Kafka outage cannot flood the log (Armeria's {@code
 * ConnectionLimitingHandler} does the same). One instance per kind of warning.
 *
 * <p>Thread-safe and lock-free: any thread may call it, event loops included.
 */
public final class ThrottledLog {
  private final Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final AtomicLong nextLineNanos;
  private final AtomicLong suppressed = new AtomicLong();

  /** One line a second at most, on the system's monotonic clock. */
  public ThrottledLog(Logger log) {
    this(log, Duration.ofSeconds(1), System::nanoTime);
  }

  /**
   * @param log where the lines go
   * @param interval least time between two lines, > 0
   * @param nanoTime a monotonic clock in nanoseconds ({@link System#nanoTime} but in tests)
   */
  public ThrottledLog(Logger log, Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.log = log;
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
    this.nextLineNanos = new AtomicLong(nanoTime.getAsLong());
  }

  /**
   * Asks to write a line now.
   *
   * @return -1 if a line was written within the interval (this occurrence is counted as left
   *     out); otherwise how many occurrences were left out since the last line, and the caller
   *     writes its line
   */
  public long permit() {
    long now = nanoTime.getAsLong();
    long due = nextLineNanos.get();
    if (now - due >= 0 && nextLineNanos.compareAndSet(due, now + intervalNanos)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }

  /**
   * Logs {@code format} with {@code args} at WARN unless a line was written within the interval;
   * a line that follows left-out ones ends with {@code " (N similar suppressed)"}.
   */
  public void warn(String format, Object... args) {
    long left = permit();
    if (left < 0 || !log.isWarnEnabled()) {
      return;
    }
    log.warn(left == 0 ? format : format + " (" + left + " similar suppressed)", args);
  }
}
