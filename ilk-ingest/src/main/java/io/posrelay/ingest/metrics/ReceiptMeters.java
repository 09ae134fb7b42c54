package io.posrelay.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Every meter of ilk-ingest's receipts to ILK (docs/ilk-receipts.md), in one place, as {@link
 * IngestMeters} is for the webhook. Tags are bounded: {@code kind} is {@code delivered}, {@code
 * reversal_required} or {@code conflict}; never a terminal or result id. Thread-safe.
 */
public final class ReceiptMeters {
  /**
   * Counter of receipt attempts by {@code kind} and {@code outcome}: {@code sent} (ILK answered
   * 2xx), {@code retried} (an attempt that failed and will be retried), {@code dead_lettered}.
   * Prometheus: {@code posrelay_ingest_receipts_total}.
   */
  public static final String RECEIPTS = "posrelay.ingest.receipts";
  /**
   * Counter of receipts written to the dead-letter topic, by {@code reason}: {@code refused} (ILK
   * answered a 4xx other than 408/429) or {@code expired} (retried past {@code
   * ilk.receipt-max-age.ms}). Prometheus: {@code posrelay_ingest_receipts_dead_letters_total}.
   */
  public static final String DEAD_LETTERS = "posrelay.ingest.receipts.dead.letters";
  /**
   * Gauge: seconds since the transition of the oldest receipt read and not yet sent or
   * dead-lettered (0 when none). Prometheus: {@code
   * posrelay_ingest_receipts_oldest_unsent_age_seconds}.
   */
  public static final String OLDEST_UNSENT_AGE = "posrelay.ingest.receipts.oldest.unsent.age";
  /** Gauge of delivery events held in memory by the sender (bounded; see ReceiptSender). */
  public static final String BUFFERED = "posrelay.ingest.receipts.buffered";

  /** The values of the {@code kind} tag. */
  public static final List<String> KINDS = List.of("delivered", "reversal_required", "conflict");

  private final Map<String, Counter> counters = new HashMap<>();
  private final Counter refused;
  private final Counter expired;

  /**
   * Registers the counters, at zero for every kind and outcome.
   *
   * @param registry one {@code ReceiptMeters} per registry
   */
  public ReceiptMeters(MeterRegistry registry) {
    for (String kind : KINDS) {
      for (String outcome : List.of("sent", "retried", "dead_lettered")) {
        counters.put(kind + "/" + outcome, Counter.builder(RECEIPTS)
            .description("Receipts to ILK by kind and outcome of each attempt")
            .tag("kind", kind).tag("outcome", outcome).register(registry));
      }
    }
    refused = deadLetters(registry, "refused");
    expired = deadLetters(registry, "expired");
  }

  private static Counter deadLetters(MeterRegistry registry, String reason) {
    return Counter.builder(DEAD_LETTERS)
        .description("Receipts written to the dead-letter topic, by reason")
        .tag("reason", reason).register(registry);
  }

  /**
   * Registers the gauges.
   *
   * @param oldestUnsentSeconds read on the scraping thread: must be cheap and thread-safe
   * @param buffered likewise
   */
  public void gauges(MeterRegistry registry, DoubleSupplier oldestUnsentSeconds,
      IntSupplier buffered) {
    Gauge.builder(OLDEST_UNSENT_AGE, oldestUnsentSeconds, DoubleSupplier::getAsDouble)
        .description("Age of the oldest receipt not yet sent to ILK or dead-lettered")
        .baseUnit("seconds").strongReference(true).register(registry);
    Gauge.builder(BUFFERED, buffered, IntSupplier::getAsInt)
        .description("Delivery events the receipt sender holds in memory")
        .strongReference(true).register(registry);
  }

  /** A receipt of {@code kind} (a tag value of {@link #KINDS}) was accepted by ILK. */
  public void sent(String kind) {
    counters.get(kind + "/sent").increment();
  }

  /** An attempt failed and will be retried. */
  public void retried(String kind) {
    counters.get(kind + "/retried").increment();
  }

  /**
   * A receipt was dead-lettered.
   *
   * @param expiredNotRefused true when it outlived its retry age, false when ILK refused it
   */
  public void deadLettered(String kind, boolean expiredNotRefused) {
    counters.get(kind + "/dead_lettered").increment();
    (expiredNotRefused ? expired : refused).increment();
  }
}
