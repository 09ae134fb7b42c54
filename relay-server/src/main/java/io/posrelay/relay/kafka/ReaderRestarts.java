package io.posrelay.relay.kafka;

import java.time.Duration;

/**
 * How a broadcast reader that died is restarted ({@link BroadcastConsumer}): after a backoff that
 * doubles with each death within the window, until one death too many gives up. Immutable.
 *
 * @param max restarts allowed within {@code window}; one more death gives up. 0 = never restart
 * @param window how far back deaths count, > 0
 * @param firstBackoff the wait before the first restart, >= 0; doubled for each further death
 *     within the window
 */
public record ReaderRestarts(int max, Duration window, Duration firstBackoff) {
  /** 3 restarts within 10 minutes, after 1, 2 and 4 s: the 4th death within 10 min gives up. */
  public static final ReaderRestarts DEFAULT =
      new ReaderRestarts(3, Duration.ofMinutes(10), Duration.ofSeconds(1));

  /**
   * @throws IllegalArgumentException if a value is out of range
   */
  public ReaderRestarts {
    if (max < 0 || window.isNegative() || window.isZero() || firstBackoff.isNegative()) {
      throw new IllegalArgumentException("restarts: max " + max + ", window " + window
          + ", first backoff " + firstBackoff + " (expected: >= 0, > 0, >= 0)");
    }
  }

  /**
   * Whether the reader gives up at this death.
   *
   * @param deathsInWindow deaths within the window, this one included, >= 1
   */
  public boolean givesUpAt(int deathsInWindow) {
    return deathsInWindow > max;
  }

  /**
   * The wait before restarting after this death: {@code firstBackoff × 2^(deaths − 1)}.
   *
   * @param deathsInWindow deaths within the window, this one included, >= 1
   */
  public Duration backoffAt(int deathsInWindow) {
    return firstBackoff.multipliedBy(1L << Math.min(20, Math.max(0, deathsInWindow - 1)));
  }
}
