package io.posrelay.relay.delivery;

/**
 * A record read from Kafka that its handler cannot act on: a field out of its documented range
 * (a {@code google.protobuf.Timestamp} beyond year 9999, say) or a required field empty. The
 * handler throws it before doing anything; the Kafka reader that called the handler logs it once
 * with the record's topic-partition@offset, counts it as a bad record and goes on with the next
 * one. Any other exception from a handler is a bug and kills the reader (see {@code
 * io.posrelay.relay.kafka.BroadcastConsumer}).
 */
public final class MalformedRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which field and value, e.g. {@code "connected_at out of range: seconds=…"};
   *     never a card number or a secret
   */
  public MalformedRecordException(String message) {
    super(message, null, false, false); // no stack trace: an expected, counted event
  }
}
