package io.posrelay.admin.ledger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.metrics.AdminMeters;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's gauges, read from the incremental counts of the partitions this instance
 * holds (sum over instances for the application's totals). NaN while the ledger is not RUNNING.
 * Listed with every other meter of admin-api in {@link AdminMeters}; the monotonic counts
 * (transitions, duplicate claims) are there too.
 * A scrape reads the counts once per second at most. Thread-safe.
 *
 * <ul>
 *   <li>{@value #DELIVERIES}{status}: records per status
 *   <li>{@value #FAILED}{reason}: FAILED or EXPIRED records per failure reason
 *   <li>{@value #DUPLICATE_CLAIMS}: duplicate claims over the records held
 *   <li>{@value #OLDEST_PENDING_AGE}: seconds since the oldest PENDING result was received
 * </ul>
 */
public final class LedgerMeters {
  /** Gauge: records per status. */
  public static final String DELIVERIES = AdminMeters.LEDGER_DELIVERIES;
  /** Gauge: FAILED or EXPIRED records per failure reason. */
  public static final String FAILED = AdminMeters.LEDGER_FAILED;
  /** Gauge: duplicate claims over the records held. */
  public static final String DUPLICATE_CLAIMS = AdminMeters.LEDGER_DUPLICATE_CLAIMS;
  /** Gauge, seconds: age of the oldest PENDING result. */
  public static final String OLDEST_PENDING_AGE = AdminMeters.LEDGER_OLDEST_PENDING_AGE;

  private static final long CACHE_MS = 1_000;

  private final LedgerQueries queries;
  private final Clock clock;
  private @Nullable LedgerStats cached; // guarded by this
  private long cachedAtMs; // guarded by this

  private LedgerMeters(LedgerQueries queries, Clock clock) {
    this.queries = queries;
    this.clock = clock;
  }

  /** Registers the ledger's meters over {@code queries} (this instance's partitions). */
  public static void bindTo(MeterRegistry registry, LedgerQueries queries, Clock clock) {
    LedgerMeters meters = new LedgerMeters(queries, clock);
    for (DeliveryStatus status :
        EnumSet.range(DeliveryStatus.DELIVERY_STATUS_PENDING,
            DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)) {
      meters.gauge(registry, DELIVERIES, "Ledger records per status", "status",
          status.name().substring("DELIVERY_STATUS_".length()).toLowerCase(Locale.ROOT),
          s -> s.byStatus().getOrDefault(status, 0L));
    }
    for (FailureReason reason : FailureReason.values()) {
      if (reason == FailureReason.UNRECOGNIZED
          || reason == FailureReason.FAILURE_REASON_UNSPECIFIED) {
        continue;
      }
      meters.gauge(registry, FAILED, "FAILED or EXPIRED ledger records per failure reason",
          "reason",
          reason.name().substring("FAILURE_REASON_".length()).toLowerCase(Locale.ROOT),
          s -> s.byReason().getOrDefault(reason, 0L));
    }
    Gauge.builder(DUPLICATE_CLAIMS, meters, m -> m.read(LedgerStats::duplicateClaims))
        .description("Duplicate claims over the ledger records held")
        .strongReference(true)
        .register(registry);
    Gauge.builder(OLDEST_PENDING_AGE, meters,
            m -> m.read(s -> s.oldestPendingAge().toMillis() / 1000.0))
        .description("Age of the oldest PENDING result")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, String description, String tag,
      String value, ToDoubleFunction<LedgerStats> read) {
    Gauge.builder(name, this, m -> m.read(read))
        .description(description)
        .tag(tag, value)
        .strongReference(true) // nothing else holds this LedgerMeters
        .register(registry);
  }

  private double read(ToDoubleFunction<LedgerStats> read) {
    LedgerStats stats = stats();
    return stats == null ? Double.NaN : read.applyAsDouble(stats);
  }

  private synchronized @Nullable LedgerStats stats() {
    long now = clock.millis();
    if (cached == null || now - cachedAtMs >= CACHE_MS) {
      try {
        cached = queries.stats(now);
        cachedAtMs = now;
      } catch (LedgerUnavailableException e) {
        cached = null;
      }
    }
    return cached;
  }
}
