package io.posrelay.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints one progress line every interval while a phase runs, from a daemon thread, until
 * closed. A line that cannot be built is logged, not fatal.
 */
final class ProgressLines implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProgressLines.class);

  private final ScheduledExecutorService timer;

  private ProgressLines(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /**
   * Starts printing {@code line} to {@code out} every {@code interval}.
   *
   * @param interval > 0
   */
  static ProgressLines start(PrintWriter out, Duration interval, Supplier<String> line) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "bench-progress");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleAtFixedRate(() -> {
      try {
        out.println(line.get());
        out.flush();
      } catch (RuntimeException e) {
        log.warn("progress line failed: {}", e.toString());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return new ProgressLines(timer);
  }

  /** {@code p50 4.1 ms p99 12.3 ms max 20.0 ms} of a histogram in microseconds, or {@code -}. */
  static String percentiles(Histogram micros) {
    if (micros.getTotalCount() == 0) {
      return "p50 - p99 - max -";
    }
    return String.format(Locale.ROOT, "p50 %.1f ms p99 %.1f ms max %.1f ms",
        micros.getValueAtPercentile(50) / 1000.0, micros.getValueAtPercentile(99) / 1000.0,
        micros.getMaxValue() / 1000.0);
  }

  /** Stops printing; waits at most 1 s for a line being printed. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
