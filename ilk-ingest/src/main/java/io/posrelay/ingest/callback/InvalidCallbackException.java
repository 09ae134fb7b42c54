package io.posrelay.ingest.callback;

import org.jspecify.annotations.Nullable;

/**
 * An ILK callback that cannot become a {@code PaymentResult}: answered with {@code {"error":
 * error(), "field": field(), "message": getMessage()}}, status 400, or 401 for {@value
 * #UNAUTHENTICATED} (a missing, malformed, stale or wrong signature). Messages never contain field
 * or header values (a card number or a signature must never be echoed or logged). Immutable.
 */
public final class InvalidCallbackException extends Exception {

  static final String MALFORMED_JSON = "malformed_json";
  static final String INVALID_FIELD = "invalid_field";
  static final String JSON_LIMIT = "json_limit";
  /** The {@link #error()} of a callback whose signature does not authenticate it: answered 401. */
  public static final String UNAUTHENTICATED = "unauthenticated";

  private final String error;
  private final @Nullable String field;

  private InvalidCallbackException(String error, @Nullable String field, String message) {
    super(message, null, false, false);
    this.error = error;
    this.field = field;
  }

  static InvalidCallbackException malformedJson(String message) {
    return new InvalidCallbackException(MALFORMED_JSON, null, message);
  }

  /** A body over one of the parser's limits (nesting, string, name or number length, tokens). */
  static InvalidCallbackException jsonLimit(String message) {
    return new InvalidCallbackException(JSON_LIMIT, null, message);
  }

  /**
   * A signature that does not authenticate the callback; {@code header} is the one at fault and
   * the message becomes {@code "<header> <problem>"}.
   *
   * @param header the name of the signature header at fault, e.g. {@code X-ILK-Signature}
   * @param problem what is wrong with it, never its value (a signature must not be echoed)
   * @return the exception, without a stack trace (a rejection, not a bug)
   */
  public static InvalidCallbackException unauthenticated(String header, String problem) {
    return new InvalidCallbackException(UNAUTHENTICATED, header, header + " " + problem);
  }

  /** A bad field; the message becomes {@code "<field> <problem>"}. */
  static InvalidCallbackException invalidField(String field, String problem) {
    return new InvalidCallbackException(INVALID_FIELD, field, field + " " + problem);
  }

  /**
   * {@code "malformed_json"}, {@code "json_limit"}, {@code "invalid_field"} or {@code
   * "unauthenticated"}.
   */
  public String error() {
    return error;
  }

  /**
   * The camelCase JSON field name ({@code invalid_field}), the header name ({@code
   * unauthenticated}), or null.
   */
  public @Nullable String field() {
    return field;
  }
}
