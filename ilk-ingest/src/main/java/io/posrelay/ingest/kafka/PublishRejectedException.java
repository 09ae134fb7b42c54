package io.posrelay.ingest.kafka;

/**
 * A result that was not handed to Kafka at all: too many publishes in flight, or the server is
 * shutting down, or Kafka is unreachable and another publish is probing it. Answered 503 (outcome
 * {@code overloaded}); ILK should retry. Immutable.
 */
public final class PublishRejectedException extends Exception {

  private final boolean shuttingDown;

  PublishRejectedException(String message, boolean shuttingDown) {
    super(message, null, false, false);
    this.shuttingDown = shuttingDown;
  }

  /** True when rejected because the server is closing; the connection should then be closed. */
  public boolean shuttingDown() {
    return shuttingDown;
  }
}
