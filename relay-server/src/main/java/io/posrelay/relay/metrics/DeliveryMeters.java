package io.posrelay.relay.metrics;

import static io.posrelay.relay.metrics.RelayMeters.ACKS_LATE;
import static io.posrelay.relay.metrics.RelayMeters.CLAIMS_DROPPED;
import static io.posrelay.relay.metrics.RelayMeters.CLAIMS_PUBLISH_ERRORS;
import static io.posrelay.relay.metrics.RelayMeters.DELIVERIES;
import static io.posrelay.relay.metrics.RelayMeters.DELIVERIES_CLAIMED;
import static io.posrelay.relay.metrics.RelayMeters.DELIVERY_LATENCY;
import static io.posrelay.relay.metrics.RelayMeters.RESULTS_DUPLICATE;
import static io.posrelay.relay.metrics.RelayMeters.RESULTS_ERRORS;
import static io.posrelay.relay.metrics.RelayMeters.RESULTS_IGNORED;
import static io.posrelay.relay.metrics.RelayMeters.RESULTS_RECEIVED;
import static io.posrelay.relay.metrics.RelayMeters.RESULTS_REVERSED_SKIPPED;
import static io.posrelay.relay.metrics.RelayMeters.RESULT_AGE;
import static io.posrelay.relay.metrics.RelayMeters.counter;
import static io.posrelay.relay.metrics.RelayMeters.lower;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.posrelay.relay.metrics.RelayMeters.ConsumerErrorKind;
import io.posrelay.runtime.kafka.KafkaHandOff;
import io.posrelay.runtime.management.LatencyBuckets;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The meters of the result delivery path: results read from the results topic, ignored or
 * skipped as duplicates, the results consumer's errors, each delivery's outcome and latency, the
 * result's age at the write, and the claims that could not reach Kafka. Names, tags and meanings
 * are listed once, in the table on {@link RelayMeters}; get this part with {@link
 * RelayMeters#deliveries()}.
 *
 * <p>Thread-safe.
 */
public final class DeliveryMeters {
  private final MeterRegistry registry;
  private final Counter claimed;
  private final Counter delivered;
  private final Counter lateAcks;
  private final Map<FailureReason, Counter> failed = new EnumMap<>(FailureReason.class);
  private final Counter received;
  private final Counter ignored;
  private final Counter duplicateAcked;
  private final Counter duplicateInFlight;
  private final Counter reversedSkipped;
  private final Map<ConsumerErrorKind, Counter> consumerErrors =
      new EnumMap<>(ConsumerErrorKind.class);
  private final Counter claimPublishErrors;
  private final Map<KafkaHandOff.Rejection, Counter> claimsDropped =
      new EnumMap<>(KafkaHandOff.Rejection.class);
  private final Timer deliveryLatency;
  private final Timer resultAge;

  /**
   * Registers the counters and timers in {@code registry}; only {@link RelayMeters} makes one.
   *
   * @param registry the server's own registry, never the global one
   * @param latencyThresholds this node's configured claim delay, claim deadline and ack timeout:
   *     the latency timers get a histogram bucket at each, besides the defaults' (none given =
   *     the defaults only)
   */
  DeliveryMeters(MeterRegistry registry, Duration... latencyThresholds) {
    this.registry = registry;
    claimed = counter(registry, DELIVERIES_CLAIMED, "Deliveries still awaiting the terminal's ack"
        + " at the claim delay, for which an interim CLAIMED claim was produced (slow acks).");
    delivered = deliveries("delivered", "none");
    lateAcks = counter(registry, ACKS_LATE, "Acks after the ack timeout, whose delivery had"
        + " already counted as failed (ack_timeout); a DELIVERED claim follows.");
    for (FailureReason reason : FailureReason.values()) {
      // UNCLAIMED is the ledger's verdict, never a relay node's.
      if (reason != FailureReason.UNRECOGNIZED
          && reason != FailureReason.FAILURE_REASON_UNSPECIFIED
          && reason != FailureReason.FAILURE_REASON_UNCLAIMED) {
        failed.put(reason, deliveries("failed", lower(reason.name(), "FAILURE_REASON_")));
      }
    }
    received = counter(registry, RESULTS_RECEIVED, "Results read from the results topic.");
    ignored =
        counter(registry, RESULTS_IGNORED, "Results for terminals not connected to this node.");
    duplicateAcked = duplicate("acked");
    duplicateInFlight = duplicate("in_flight");
    reversedSkipped = counter(registry, RESULTS_REVERSED_SKIPPED, "Results not written because"
        + " the ledger decided them REVERSAL_REQUIRED (an ILK retry after the decision).");
    for (ConsumerErrorKind kind : ConsumerErrorKind.values()) {
      consumerErrors.put(
          kind,
          Counter.builder(RESULTS_ERRORS)
              .description("Results consumer errors by kind.")
              .tag("kind", kind.name().toLowerCase(Locale.ROOT))
              .register(registry));
    }
    claimPublishErrors =
        counter(registry, CLAIMS_PUBLISH_ERRORS, "Claims that could not be written to Kafka.");
    for (KafkaHandOff.Rejection cause : KafkaHandOff.Rejection.values()) {
      claimsDropped.put(cause, Counter.builder(CLAIMS_DROPPED)
          .description("Claims never handed to Kafka, by cause.")
          .tag("cause", cause.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
    Duration[] buckets = LatencyBuckets.with(latencyThresholds);
    deliveryLatency =
        Timer.builder(DELIVERY_LATENCY)
            .description("From writing a result to the terminal's ack, late acks included.")
            .serviceLevelObjectives(buckets)
            .register(registry);
    resultAge =
        Timer.builder(RESULT_AGE)
            .description("From ilk-ingest's received_at to writing the result to the terminal:"
                + " end-to-end latency up to the terminal's socket.")
            .serviceLevelObjectives(buckets)
            .register(registry);
  }

  /** Counts an interim OUTCOME_CLAIMED claim: a delivery still unacked at the claim delay. */
  public void claimed() {
    claimed.increment();
  }

  /**
   * Counts a delivery that ended acked (outcome delivered) and records the write-to-ack latency.
   *
   * @param latencyNanos from the write to the ack, nanoseconds, >= 0
   */
  public void delivered(long latencyNanos) {
    delivered.increment();
    deliveryLatency.record(Duration.ofNanos(Math.max(0, latencyNanos)));
  }

  /**
   * Counts an ack after the ack timeout (its delivery already counted as failed) and records its
   * write-to-ack latency.
   *
   * @param latencyNanos from the write to the ack, nanoseconds, >= 0
   */
  public void lateAck(long latencyNanos) {
    lateAcks.increment();
    deliveryLatency.record(Duration.ofNanos(Math.max(0, latencyNanos)));
  }

  /**
   * Counts a delivery that ended failed (outcome failed).
   *
   * @param reason why the delivery failed
   */
  public void failed(FailureReason reason) {
    Counter counter = failed.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }

  /** Counts a result read from Kafka. */
  public void resultReceived() {
    received.increment();
  }

  /** Counts a result whose terminal is not connected to this node. */
  public void resultIgnored() {
    ignored.increment();
  }

  /**
   * Counts a result that was not written because it is a duplicate.
   *
   * @param inFlight {@code true} if it is in flight to the same session, {@code false} if the
   *     terminal already acked it on this node
   */
  public void resultDuplicate(boolean inFlight) {
    (inFlight ? duplicateInFlight : duplicateAcked).increment();
  }

  /** Counts a result not written because the ledger decided it REVERSAL_REQUIRED. */
  public void resultReversedSkipped() {
    reversedSkipped.increment();
  }

  /**
   * Counts a results-consumer error.
   *
   * @param kind bad record, retriable or fatal
   */
  public void consumerError(ConsumerErrorKind kind) {
    consumerErrors.get(kind).increment();
  }

  /**
   * Records the age of a result at the moment it is written to its terminal.
   *
   * @param age from received_at to now; negative values (clock skew) count as 0
   */
  public void resultAge(Duration age) {
    resultAge.record(age.isNegative() ? Duration.ZERO : age);
  }

  /** Counts a claim the Kafka producer failed to write. */
  public void claimPublishError() {
    claimPublishErrors.increment();
  }

  /**
   * Counts a claim that was never handed to Kafka.
   *
   * @param cause why the claims producer's hand-off refused it
   */
  public void claimDropped(KafkaHandOff.Rejection cause) {
    claimsDropped.get(cause).increment();
  }

  private Counter deliveries(String outcome, String reason) {
    return Counter.builder(DELIVERIES)
        .description("Deliveries this node started, each counted once when it ended: delivered"
            + " (acked within the ack timeout) or failed, by failure reason.")
        .tag("outcome", outcome)
        .tag("reason", reason)
        .register(registry);
  }

  private Counter duplicate(String state) {
    return Counter.builder(RESULTS_DUPLICATE)
        .description("Results not written again: already acked here, or in flight.")
        .tag("state", state)
        .register(registry);
  }
}
