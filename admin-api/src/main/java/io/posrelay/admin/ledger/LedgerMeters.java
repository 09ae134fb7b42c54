package io.posrelay.admin.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every meter of the delivery ledger. Tag values are bounded enums (never a terminal or result
 * id). Prometheus renders {@code posrelay.ledger.results} as {@code posrelay_ledger_results_total}.
 */
public final class LedgerMeters {
  /** Gauge: records per status now; tag {@code status} (pending, delivering, delivered, …). */
  public static final String DELIVERIES = "posrelay.ledger.deliveries";
  /** Counter: payment-result records applied (re-published results included). */
  public static final String RESULTS = "posrelay.ledger.results";
  /** Counter: claims applied; tag {@code outcome} (claimed, delivered, failed). */
  public static final String CLAIMS = "posrelay.ledger.claims";
  /** Counter: claims from a node other than the first claimant, once per (node, session). */
  public static final String DUPLICATE_CLAIMS = "posrelay.ledger.duplicate.claims";
  /** Counter: transitions into FAILED; tag {@code reason} (unclaimed, ack_timeout, …). */
  public static final String FAILURES = "posrelay.ledger.failures";
  /** Gauge, seconds: age (by received_at) of the oldest PENDING result; 0 when none. */
  public static final String OLDEST_PENDING_AGE = "posrelay.ledger.oldest.pending.age";
  /** Counter: records dropped because the ledger was full; tag {@code status}. */
  public static final String EVICTIONS = "posrelay.ledger.evictions";
  /** Gauge: claims waiting for their result (claims that overtook it). */
  public static final String EARLY_CLAIMS = "posrelay.ledger.early.claims";
  /** Counter: early claims dropped (too many, or their result never came in time). */
  public static final String EARLY_CLAIMS_DROPPED = "posrelay.ledger.early.claims.dropped";
  /** Counter: Kafka records that could not be applied (skipped); tag {@code topic}. */
  public static final String BAD_RECORDS = "posrelay.ledger.bad.records";
  /** Counter: Kafka errors that the consumer retried after a backoff. */
  public static final String CONSUMER_RETRIES = "posrelay.ledger.consumer.retries";

  final Counter results;
  final Counter duplicateClaims;
  final Counter earlyClaimsDropped;
  private final Map<DeliveryClaim.Outcome, Counter> claims =
      new EnumMap<>(DeliveryClaim.Outcome.class);
  private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
  private final Map<DeliveryStatus, Counter> evictions = new EnumMap<>(DeliveryStatus.class);

  LedgerMeters(MeterRegistry registry, DeliveryLedger ledger) {
    results =
        Counter.builder(RESULTS).description("Payment results applied").register(registry);
    duplicateClaims =
        Counter.builder(DUPLICATE_CLAIMS)
            .description("Claims from a node other than the first claimant")
            .register(registry);
    earlyClaimsDropped =
        Counter.builder(EARLY_CLAIMS_DROPPED)
            .description("Claims dropped while waiting for their result")
            .register(registry);
    for (DeliveryClaim.Outcome outcome : DeliveryClaim.Outcome.values()) {
      if (outcome != DeliveryClaim.Outcome.OUTCOME_UNSPECIFIED
          && outcome != DeliveryClaim.Outcome.UNRECOGNIZED) {
        claims.put(
            outcome,
            Counter.builder(CLAIMS)
                .description("Delivery claims applied")
                .tag("outcome", tagValue(outcome.name(), "OUTCOME_"))
                .register(registry));
      }
    }
    for (FailureReason reason : FailureReason.values()) {
      if (reason != FailureReason.UNRECOGNIZED) {
        failures.put(
            reason,
            Counter.builder(FAILURES)
                .description("Deliveries that became FAILED")
                .tag("reason", tagValue(reason.name(), "FAILURE_REASON_"))
                .register(registry));
      }
    }
    for (DeliveryStatus status : LedgerIndex.STATUSES) {
      String tag = tagValue(status.name(), "DELIVERY_STATUS_");
      evictions.put(
          status,
          Counter.builder(EVICTIONS)
              .description("Records dropped because the ledger was full")
              .tag("status", tag)
              .register(registry));
      Gauge.builder(DELIVERIES, ledger, l -> l.count(status))
          .description("Deliveries in the ledger per status")
          .tag("status", tag)
          .strongReference(true)
          .register(registry);
    }
    Gauge.builder(OLDEST_PENDING_AGE, ledger, l -> l.oldestPendingAge().toMillis() / 1000.0)
        .description("Age of the oldest PENDING result, by received_at")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder(EARLY_CLAIMS, ledger, DeliveryLedger::earlyClaims)
        .description("Claims waiting for their result")
        .strongReference(true)
        .register(registry);
  }

  void claim(DeliveryClaim.Outcome outcome) {
    Counter counter = claims.get(outcome);
    if (counter != null) {
      counter.increment();
    }
  }

  void failure(FailureReason reason) {
    Counter counter = failures.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }

  void eviction(DeliveryStatus status) {
    Counter counter = evictions.get(status);
    if (counter != null) {
      counter.increment();
    }
  }

  /** "FAILURE_REASON_ACK_TIMEOUT" → "ack_timeout". */
  static String tagValue(String enumName, String prefix) {
    String name = enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
    return name.toLowerCase(Locale.ROOT);
  }
}
