package io.posrelay.ingest.receipt;

import java.time.Duration;
import java.time.Instant;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;

/**
 * When to try a receipt again, and when to stop: exponential backoff from {@code initialBackoff},
 * doubling per attempt up to {@code maxBackoff}, with jitter (a delay of {@code d} waits between
 * {@code d/2} and {@code d}, so instances that failed together do not retry together); a longer
 * {@code Retry-After} from ILK wins. A receipt whose transition is older than {@code maxAge} is not
 * retried again but dead-lettered. Immutable; thread-safe.
 *
 * @param initialBackoff delay before the first retry, > 0
 * @param maxBackoff the longest delay before jitter, >= initialBackoff
 * @param maxAge how long after its transition a receipt may still be retried, > 0
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, Duration maxAge) {
  /**
   * @throws IllegalArgumentException naming the bad value
   */
  public RetryPolicy {
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff: " + initialBackoff + " (expected: > 0)");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff: " + maxBackoff + " (expected: >= "
          + initialBackoff + ")");
    }
    if (maxAge.isNegative() || maxAge.isZero()) {
      throw new IllegalArgumentException("maxAge: " + maxAge + " (expected: > 0)");
    }
  }

  /**
   * The delay before the next attempt.
   *
   * @param failedAttempts attempts that failed so far, >= 1
   * @param retryAfter ILK's {@code Retry-After}, null if none
   * @param random uniform in [0, 1)
   */
  public Duration backoff(int failedAttempts, @Nullable Duration retryAfter,
      DoubleSupplier random) {
    long initial = initialBackoff.toMillis();
    int shift = Math.min(30, Math.max(0, failedAttempts - 1));
    long exponential = Math.min(maxBackoff.toMillis(), initial << shift);
    long jittered = exponential / 2 + (long) (random.getAsDouble() * (exponential - exponential / 2));
    Duration delay = Duration.ofMillis(Math.max(1, jittered));
    return retryAfter != null && retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
  }

  /** Whether a receipt for a transition at {@code at} is too old to be retried at {@code now}. */
  public boolean expired(Instant at, Instant now) {
    return Duration.between(at, now).compareTo(maxAge) > 0;
  }
}
