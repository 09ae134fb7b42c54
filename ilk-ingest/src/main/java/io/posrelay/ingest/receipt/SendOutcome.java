package io.posrelay.ingest.receipt;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What one POST of a receipt came to. Immutable. */
public sealed interface SendOutcome {
  /** ILK answered 2xx: the receipt is done. */
  record Sent(int status) implements SendOutcome {}

  /**
   * Worth retrying: a 5xx, 408, 429, a timeout or a connection error.
   *
   * @param reason for logs and the dead letter's header, e.g. {@code "HTTP 503"}, {@code
   *     "timeout"}; never a secret
   * @param retryAfter ILK's {@code Retry-After}, null if none
   */
  record Retry(String reason, @Nullable Duration retryAfter) implements SendOutcome {}

  /** ILK refused it (any other 4xx, or another status): sending it again would not help. */
  record Refused(int status) implements SendOutcome {}

  /**
   * The outcome of an HTTP answer.
   *
   * @param status the status code
   * @param retryAfter the {@code Retry-After} header, if any (seconds; an HTTP date is ignored)
   */
  static SendOutcome ofStatus(int status, Optional<String> retryAfter) {
    if (status >= 200 && status < 300) {
      return new Sent(status);
    }
    if (status >= 500 || status == 408 || status == 429) {
      return new Retry("HTTP " + status, retryAfter.map(SendOutcome::seconds).orElse(null));
    }
    return new Refused(status);
  }

  /** {@code Retry-After} in delay-seconds, or null if it is not that (an HTTP date, garbage). */
  static @Nullable Duration seconds(String value) {
    String text = value.strip();
    if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Duration.ofSeconds(Long.parseLong(text));
  }

  /** The outcome of a POST that got no answer. */
  static Retry ofFailure(Throwable cause) {
    String name = cause.getClass().getSimpleName();
    return new Retry(name.toLowerCase(Locale.ROOT).contains("timeout") ? "timeout"
        : "connection error (" + name + ")", null);
  }
}
