package io.posrelay.ingest;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Logs repeated warnings of one kind as at most one line per second, with the number of
 * occurrences suppressed since the last line, so a misbehaving client or a Kafka outage cannot
 * flood the log. Thread-safe.
 */
final class ThrottledWarnings {

  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Logger log;
  private long nextLogNanos = System.nanoTime();
  private long suppressed;

  ThrottledWarnings(Logger log) {
    this.log = log;
  }

  /** Logs {@code format} with {@code args} at WARN, unless a line was logged within 1 s. */
  void warn(String format, Object... args) {
    long suppressedBefore;
    synchronized (this) {
      long now = System.nanoTime();
      if (now - nextLogNanos < 0) {
        suppressed++;
        return;
      }
      nextLogNanos = now + INTERVAL_NANOS;
      suppressedBefore = suppressed;
      suppressed = 0;
    }
    if (log.isWarnEnabled()) {
      String suffix = suppressedBefore == 0 ? "" : " (" + suppressedBefore + " similar suppressed)";
      log.warn(format + suffix, args);
    }
  }
}
