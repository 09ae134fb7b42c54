package io.posrelay.testkit.ilk;

import java.time.Instant;

/**
 * A callback that the webhook accepted (202): the result is published to Kafka.
 *
 * @param resultId the result_id from the 202 response
 * @param callback what was sent
 * @param sentNanos {@link System#nanoTime()} just before the POST was sent
 * @param sentAt wall-clock time just before the POST was sent
 * @param acceptedNanos {@link System#nanoTime()} when the 202 response arrived
 */
public record AcceptedResult(
    String resultId, IlkCallback callback, long sentNanos, Instant sentAt, long acceptedNanos) {

  /** Time from sending the POST to its 202 response (broker ack included), in nanoseconds. */
  public long webhookNanos() {
    return acceptedNanos - sentNanos;
  }
}
