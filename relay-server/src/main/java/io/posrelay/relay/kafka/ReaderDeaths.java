package io.posrelay.relay.kafka;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deaths of one broadcast reader within its restart window, and the verdict on each: restart
 * after a backoff, or give up ({@link ReaderRestarts}). Each verdict is one ERROR line and the
 * reader's {@link ReaderStatus}. Used by the poll thread only.
 */
final class ReaderDeaths {
  // The reader's logger: these lines are the reader's.
  private static final Logger log = LoggerFactory.getLogger(BroadcastConsumer.class);

  private final String topic;
  private final ReaderRestarts restarts;
  private final ReaderStatus status;
  private final ArrayDeque<Long> deaths = new ArrayDeque<>();

  /**
   * @param topic the topic the reader reads, for the log
   * @param restarts how often and after how long the reader may restart
   * @param status the reader's status: RESTARTING or FAILED after each death
   */
  ReaderDeaths(String topic, ReaderRestarts restarts, ReaderStatus status) {
    this.topic = topic;
    this.restarts = restarts;
    this.status = status;
  }

  /**
   * Counts {@code death} and gives its verdict: RESTARTING, or FAILED (an {@link Error}, or one
   * death more than the restarts allow within their window) with the reader's failure completed.
   *
   * @return the wait before the restart, in nanoseconds, >= 0; or -1 if the reader gives up
   */
  long backoffAfter(ReaderDeath death) {
    long now = System.nanoTime();
    deaths.removeIf(at -> now - at > restarts.window().toNanos());
    deaths.add(now);
    Throwable cause = death.getCause();
    String what = death.what();
    boolean isError = cause instanceof Error;
    if (isError || restarts.givesUpAt(deaths.size())) {
      String reason = "reader of " + topic + " died " + (isError ? "on an Error" : deaths.size()
          + " times within " + restarts.window()) + ", last: " + what;
      status.failed("failed: " + what);
      log.error("reader of {} died ({}); giving up after {} death(s) within {}: the process must"
          + " be replaced", topic, what, deaths.size(), restarts.window(), cause);
      status.gaveUp(reason);
      return -1;
    }
    long backoffNanos = restarts.backoffAt(deaths.size()).toNanos();
    status.restarting("restarting in " + TimeUnit.NANOSECONDS.toMillis(backoffNanos)
        + " ms after: " + what);
    log.error("reader of {} died ({}); restart {} of {} in {} ms", topic, what, deaths.size(),
        restarts.max(), TimeUnit.NANOSECONDS.toMillis(backoffNanos), cause);
    return backoffNanos;
  }
}
