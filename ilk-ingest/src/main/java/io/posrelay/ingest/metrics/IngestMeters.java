package io.posrelay.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import io.posrelay.runtime.management.LatencyBuckets;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every meter ilk-ingest registers, in one place. Names are Micrometer's dotted form; the
 * Prometheus registry renders {@code posrelay.ingest.requests} as {@code
 * posrelay_ingest_requests_total} and timers in seconds. Tags are bounded: never a terminal id.
 *
 * <p>Besides these, the server's registry (service-runtime's {@code ServiceMetrics}) has the JVM
 * meters (memory, GC, threads, class loader, processor, uptime), and the server binds the Kafka
 * producer's metrics ({@code kafka.producer.*}); all are served at {@code GET /metrics} on
 * {@code management.port}, never on the webhook's port. Thread-safe.
 */
public final class IngestMeters {

  /** Counter of HTTP requests by {@code outcome} (see {@link Outcome}). */
  public static final String REQUESTS = "posrelay.ingest.requests";
  /**
   * Timer from handing a result to the producer until the broker acked or failed it, tagged
   * {@code outcome=acked|failed}; the histogram buckets of {@link #REQUEST_DURATION}.
   */
  public static final String PUBLISH_LATENCY = "posrelay.ingest.publish.latency";
  /**
   * Timer of the webhook's callbacks, from the whole request received to the answer handed to the
   * connection, tagged {@code outcome=accepted|invalid|overloaded|unavailable} (the callbacks
   * that reached the results handler: routed, signature checked); histogram buckets at the
   * system's thresholds (service-runtime's {@code LatencyBuckets}: 0.5, 3 and 5 s among them; 5 s
   * is also the default publish timeout, after which a callback is answered 503).
   */
  public static final String REQUEST_DURATION = "posrelay.ingest.request.duration";
  /** Gauge of records handed to the producer and not yet acked or failed. */
  public static final String PUBLISH_IN_FLIGHT = "posrelay.ingest.publish.in.flight";
  /** Gauge of open HTTP connections. */
  public static final String CONNECTIONS = "posrelay.ingest.connections";
  /** Counter of connections closed on accept because {@code max-connections} was reached. */
  public static final String CONNECTIONS_REJECTED = "posrelay.ingest.connections.rejected";

  /** Values of the {@code outcome} tag of {@link #REQUESTS}, one per kind of answer. */
  public enum Outcome {
    /** 202: stored in Kafka. */
    ACCEPTED,
    /** 400: malformed JSON, a JSON limit, an invalid field or an unparseable HTTP request. */
    INVALID,
    /** 401: signature missing, malformed, outside the allowed clock skew, or wrong. */
    UNAUTHENTICATED,
    /** 503: Kafka failed or did not ack within the publish timeout. */
    UNAVAILABLE,
    /** 503: too many publishes in flight, or the server is shutting down. */
    OVERLOADED,
    /** 413: body over {@code max-body-bytes}. */
    TOO_LARGE,
    /** 431: request headers over 8 KiB. */
    HEADERS_TOO_LARGE,
    /** 414: request line over 4 KiB. */
    URI_TOO_LONG,
    /** 408: request not received in full within {@code request-deadline.ms}. */
    REQUEST_TIMEOUT,
    /** 415: Content-Type not application/json. */
    UNSUPPORTED_MEDIA_TYPE,
    /** 405: wrong method on a known path. */
    METHOD_NOT_ALLOWED,
    /** 404: unknown path. */
    NOT_FOUND;

    /** The tag value: the lowercase constant name, e.g. {@code "too_large"}. */
    public String tagValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The outcomes {@link #REQUEST_DURATION} is recorded for. */
  private static final List<Outcome> TIMED = List.of(Outcome.ACCEPTED, Outcome.INVALID,
      Outcome.OVERLOADED, Outcome.UNAVAILABLE);

  private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
  private final Map<Outcome, Timer> durations = new EnumMap<>(Outcome.class);
  private final Timer publishAcked;
  private final Timer publishFailed;
  private final Counter connectionsRejected;
  private final MeterRegistry registry;

  /**
   * Registers the counters and timers on {@code registry}; the gauges are registered by {@link
   * #inFlightGauge} and {@link #connectionsGauge}, which their sources call.
   *
   * @param registry the registry to register on; one {@code IngestMeters} per registry (a second
   *     one would share the same counters)
   */
  public IngestMeters(MeterRegistry registry) {
    this(registry, Duration.ZERO);
  }

  /**
   * Registers the counters and timers on {@code registry}, {@link #REQUEST_DURATION} with a
   * bucket at {@code publishTimeout} too.
   *
   * @param registry as {@link #IngestMeters(MeterRegistry)}
   * @param publishTimeout the configured {@code publish-timeout.ms}; zero = the defaults only
   */
  public IngestMeters(MeterRegistry registry, Duration publishTimeout) {
    this.registry = registry;
    Duration[] buckets = LatencyBuckets.with(publishTimeout);
    for (Outcome outcome : TIMED) {
      durations.put(outcome, Timer.builder(REQUEST_DURATION)
          .description("ILK callbacks from the whole request received to the answer, by outcome")
          .tag("outcome", outcome.tagValue())
          .serviceLevelObjectives(buckets)
          .register(registry));
    }
    for (Outcome outcome : Outcome.values()) {
      requests.put(outcome, Counter.builder(REQUESTS)
          .description("ILK callback HTTP requests by outcome")
          .tag("outcome", outcome.tagValue())
          .register(registry));
    }
    publishAcked = publishTimer(registry, "acked", buckets);
    publishFailed = publishTimer(registry, "failed", buckets);
    connectionsRejected = Counter.builder(CONNECTIONS_REJECTED)
        .description("Connections closed on accept because max-connections was reached")
        .register(registry);
  }

  private static Timer publishTimer(MeterRegistry registry, String outcome, Duration[] buckets) {
    return Timer.builder(PUBLISH_LATENCY)
        .description("Time from handing a result to the Kafka producer until acked or failed")
        .tag("outcome", outcome)
        .serviceLevelObjectives(buckets)
        .register(registry);
  }

  /** Counts one HTTP request answered with {@code outcome} ({@link #REQUESTS}). */
  public void request(Outcome outcome) {
    requests.get(outcome).increment();
  }

  /**
   * Counts one callback answered with {@code outcome} ({@link #REQUESTS}) and records how long it
   * took ({@link #REQUEST_DURATION}).
   *
   * @param outcome accepted, invalid, overloaded or unavailable (others are only counted)
   * @param nanos from the whole request received to the answer, nanoseconds
   */
  public void request(Outcome outcome, long nanos) {
    request(outcome);
    Timer timer = durations.get(outcome);
    if (timer != null) {
      timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The request counter of one outcome, for tests and diagnostics.
   *
   * @return the requests counted with {@code outcome} since this object was made, ≥ 0
   */
  public double requestCount(Outcome outcome) {
    return requests.get(outcome).count();
  }

  /**
   * Records one publish's latency ({@link #PUBLISH_LATENCY}).
   *
   * @param nanos from handing the result to the producer until the broker's answer, in
   *     nanoseconds
   * @param acked true if the broker acknowledged the record ({@code outcome=acked}), false if the
   *     send failed ({@code outcome=failed})
   */
  public void publishCompleted(long nanos, boolean acked) {
    (acked ? publishAcked : publishFailed).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one connection closed on accept because {@code max-connections} was reached. */
  public void connectionRejected() {
    connectionsRejected.increment();
  }

  /**
   * Registers {@link #PUBLISH_IN_FLIGHT}, read from {@code inFlight} at each scrape (on the
   * scraping thread, so the supplier must be thread-safe). Called once, by the publisher.
   */
  public void inFlightGauge(Supplier<Number> inFlight) {
    Gauge.builder(PUBLISH_IN_FLIGHT, inFlight)
        .description("Records handed to the Kafka producer and not yet acked or failed")
        .register(registry);
  }

  /**
   * Registers {@link #CONNECTIONS}, read from {@code open} at each scrape (on the scraping thread,
   * so the supplier must be thread-safe). Called once, by the server.
   */
  public void connectionsGauge(Supplier<Number> open) {
    Gauge.builder(CONNECTIONS, open).description("Open HTTP connections").register(registry);
  }
}
