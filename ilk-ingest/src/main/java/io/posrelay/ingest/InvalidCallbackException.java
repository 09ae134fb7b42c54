package io.posrelay.ingest;

import org.jspecify.annotations.Nullable;

/**
 * An ILK callback body that cannot become a {@code PaymentResult}: answered 400 with {@code
 * {"error": error(), "field": field(), "message": getMessage()}}. Messages never contain field
 * values (a card number must never be echoed or logged).
 */
final class InvalidCallbackException extends Exception {

  static final String MALFORMED_JSON = "malformed_json";
  static final String INVALID_FIELD = "invalid_field";

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

  /** A bad field; the message becomes {@code "<field> <problem>"}. */
  static InvalidCallbackException invalidField(String field, String problem) {
    return new InvalidCallbackException(INVALID_FIELD, field, field + " " + problem);
  }

  /** {@code "malformed_json"} or {@code "invalid_field"}. */
  String error() {
    return error;
  }

  /** The camelCase JSON field name, or null for malformed JSON. */
  @Nullable String field() {
    return field;
  }
}
