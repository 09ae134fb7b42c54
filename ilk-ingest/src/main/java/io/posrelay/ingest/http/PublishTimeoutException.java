package io.posrelay.ingest.http;

/** The broker did not acknowledge a result within the publish timeout; answered 503. */
final class PublishTimeoutException extends Exception {

  PublishTimeoutException(long timeoutMillis) {
    super("not acknowledged by Kafka within " + timeoutMillis + " ms", null, false, false);
  }
}
