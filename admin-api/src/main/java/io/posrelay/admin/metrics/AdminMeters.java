package io.posrelay.admin.metrics;

import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.runtime.management.GrpcLabels;
import io.posrelay.runtime.management.LatencyBuckets;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every meter of admin-api, in one place. Names are Micrometer's dotted form; the Prometheus
 * registry renders them with underscores, base units and {@code _total} on counters (e.g. {@code
 * posrelay_ledger_transitions_total}). No tag ever carries a terminal or result id.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@value #LEDGER_TRANSITIONS}</td><td>counter</td><td>to, reason</td>
 *       <td>ledger transitions committed (read back from {@code posrelay.delivery-events},
 *       read_committed): to = pending | delivering | delivered | failed | expired |
 *       reversal_required; reason = none or the failure reason in lowercase (unclaimed,
 *       ack_timeout, …); reversal_required = the ledger's reversal decision for an approval
 *       not delivered in time (reason: why it was not, none if it was still pending or in
 *       flight). A conflict is not a transition: it is counted in {@value #LEDGER_CONFLICTS}. Every instance counts every
 *       transition of the whole ledger from its start on: aggregate over instances with {@code
 *       max}, never {@code sum}. Monotonic, and live while the ledger restores</td></tr>
 *   <tr><td>{@value #LEDGER_CONFLICTS}</td><td>counter</td><td></td>
 *       <td>acks that reached the ledger after the result's reversal decision (the first per
 *       result), committed: the terminal may show an approval that is being reversed. Every
 *       instance counts the whole ledger's: aggregate with {@code max}</td></tr>
 *   <tr><td>{@value #LEDGER_DUPLICATE_CLAIMS_COUNTED}</td><td>counter</td><td></td>
 *       <td>claims from a second node (or session) for one result, as the ledger processed them
 *       on this instance's partitions: sum over instances. Counted when processed, so a claim
 *       processed again after an aborted exactly-once transaction (a crash, a fenced task) counts
 *       again; the duplicate is real either way</td></tr>
 *   <tr><td>{@value #LEDGER_DELIVERIES}</td><td>gauge</td><td>status</td>
 *       <td>ledger records per status on this instance's partitions; NaN while the ledger is not
 *       RUNNING</td></tr>
 *   <tr><td>{@value #LEDGER_FAILED}</td><td>gauge</td><td>reason</td>
 *       <td>FAILED or EXPIRED records per failure reason; NaN while not RUNNING</td></tr>
 *   <tr><td>{@value #LEDGER_DUPLICATE_CLAIMS}</td><td>gauge</td><td></td>
 *       <td>duplicate claims over the records held; NaN while not RUNNING</td></tr>
 *   <tr><td>{@value #LEDGER_OLDEST_PENDING_AGE}</td><td>gauge, seconds</td><td></td>
 *       <td>age of the oldest PENDING result on this instance's partitions (take the max over
 *       instances); NaN while not RUNNING</td></tr>
 *   <tr><td>{@value #AUTH_FAILURES}</td><td>counter</td><td>reason</td>
 *       <td>admin calls rejected UNAUTHENTICATED: reason = missing | invalid</td></tr>
 *   <tr><td>{@value #WATCHERS}</td><td>gauge</td><td></td>
 *       <td>open WatchDeliveryEvents streams</td></tr>
 *   <tr><td>{@value #GRPC_SERVER_REQUESTS}</td><td>counter</td><td>service, method,
 *       method_type</td><td>request messages received, per gRPC method (Micrometer's
 *       {@link MetricCollectingServerInterceptor}; its camelCase tags renamed to snake_case, as
 *       Prometheus' lint wants)</td></tr>
 *   <tr><td>{@value #GRPC_SERVER_RESPONSES}</td><td>counter</td><td>service, method,
 *       method_type</td><td>response messages sent</td></tr>
 *   <tr><td>{@value #GRPC_SERVER_DURATION}</td><td>timer</td><td>service, method, method_type,
 *       status_code</td><td>calls by method and final status (OK, UNAVAILABLE, UNAUTHENTICATED…):
 *       their rate, errors and duration; buckets at the system's thresholds ({@link
 *       LatencyBuckets}). Only the methods admin-api serves appear, so the tags are
 *       bounded</td></tr>
 * </table>
 *
 * <p>Besides these: the JVM meters (service-runtime's {@code ServiceMetrics}) and Kafka Streams'
 * own ({@code kafka_stream_*}). Thread-safe.
 */
public final class AdminMeters {
  /** Counter; see the class table. */
  public static final String LEDGER_TRANSITIONS = "posrelay.ledger.transitions";
  /** Counter; see the class table. */
  public static final String LEDGER_CONFLICTS = "posrelay.ledger.conflicts";
  /** Counter; see the class table. */
  public static final String LEDGER_DUPLICATE_CLAIMS_COUNTED = "posrelay.ledger.claims.duplicate";
  /** Gauge; see the class table. */
  public static final String LEDGER_DELIVERIES = "posrelay.ledger.deliveries";
  /** Gauge; see the class table. */
  public static final String LEDGER_FAILED = "posrelay.ledger.failed";
  /** Gauge; see the class table. */
  public static final String LEDGER_DUPLICATE_CLAIMS = "posrelay.ledger.duplicate.claims";
  /** Gauge, seconds; see the class table. */
  public static final String LEDGER_OLDEST_PENDING_AGE = "posrelay.ledger.oldest.pending.age";
  /** Counter; see the class table. */
  public static final String AUTH_FAILURES = "posrelay.admin.auth.failures";
  /** Gauge; see the class table. */
  public static final String WATCHERS = "posrelay.admin.watchers";
  /** Counter (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_SERVER_REQUESTS = "grpc.server.requests.received";
  /** Counter (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_SERVER_RESPONSES = "grpc.server.responses.sent";
  /** Timer (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_SERVER_DURATION = "grpc.server.processing.duration";

  private static final String NONE = "none";
  private static final String TRANSITIONS_HELP = "Ledger transitions committed, by the status"
      + " reached and the failure reason; every instance counts the whole ledger's (take max"
      + " over instances)";

  private final MeterRegistry registry;
  private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
  private final Counter duplicateClaims;
  private final Counter conflicts;

  /**
   * Registers the counters in {@code registry}: every (to, reason) a transition can have, at 0, so
   * that the first UNCLAIMED failure or expiry is already a rate.
   *
   * @param registry the server's own registry, never the global one
   */
  public AdminMeters(MeterRegistry registry) {
    this.registry = registry;
    for (DeliveryStatus to : List.of(DeliveryStatus.DELIVERY_STATUS_PENDING,
        DeliveryStatus.DELIVERY_STATUS_DELIVERING, DeliveryStatus.DELIVERY_STATUS_DELIVERED)) {
      transitionCounter(to, FailureReason.FAILURE_REASON_UNSPECIFIED);
    }
    transitionCounter(DeliveryStatus.DELIVERY_STATUS_EXPIRED,
        FailureReason.FAILURE_REASON_UNSPECIFIED);
    transitionCounter(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED,
        FailureReason.FAILURE_REASON_UNSPECIFIED);
    for (FailureReason reason : FailureReason.values()) {
      if (reason != FailureReason.UNRECOGNIZED
          && reason != FailureReason.FAILURE_REASON_UNSPECIFIED) {
        transitionCounter(DeliveryStatus.DELIVERY_STATUS_FAILED, reason);
        transitionCounter(DeliveryStatus.DELIVERY_STATUS_EXPIRED, reason);
        transitionCounter(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED, reason);
      }
    }
    conflicts = Counter.builder(LEDGER_CONFLICTS)
        .description("Acks that reached the ledger after the result's reversal decision, first"
            + " per result; every instance counts the whole ledger's (take max over instances)")
        .register(registry);
    duplicateClaims = Counter.builder(LEDGER_DUPLICATE_CLAIMS_COUNTED)
        .description("Claims from a second node or session for one result, as the ledger"
            + " processed them on this instance's partitions (sum over instances)")
        .register(registry);
  }

  /**
   * Counts one committed ledger transition ({@value #LEDGER_TRANSITIONS}). Call it for each event
   * read back from the delivery-events topic with {@code read_committed}, so that a transition
   * of an aborted transaction, processed again, counts once. A conflict event counts in {@value
   * #LEDGER_CONFLICTS} instead.
   *
   * @param event the transition
   */
  public void transition(DeliveryEvent event) {
    if (event.getConflict()) {
      conflicts.increment(); // from = to: not a transition
      return;
    }
    transitionCounter(event.getTo(), event.getReason()).increment();
  }

  /**
   * Counts duplicate claims the ledger recorded ({@value #LEDGER_DUPLICATE_CLAIMS_COUNTED}).
   *
   * @param count how many, >= 0
   */
  public void duplicateClaims(int count) {
    duplicateClaims.increment(count);
  }

  /**
   * The interceptor that times every gRPC call admin-api serves ({@value #GRPC_SERVER_DURATION},
   * {@value #GRPC_SERVER_REQUESTS}, {@value #GRPC_SERVER_RESPONSES}). Place it outermost, so that
   * calls refused by operator authentication count with their status.
   *
   * @param services the service descriptors whose methods are registered at once (calls OK at
   *     0), e.g. DeliveryAdmin's and health's
   */
  public ServerInterceptor grpcServerInterceptor(io.grpc.ServiceDescriptor... services) {
    Duration[] buckets = LatencyBuckets.with();
    GrpcLabels.snakeCase(registry);
    MetricCollectingServerInterceptor interceptor = new MetricCollectingServerInterceptor(
        registry, counter -> counter, timer -> timer.serviceLevelObjectives(buckets),
        Status.Code.OK);
    for (io.grpc.ServiceDescriptor service : services) {
      interceptor.preregisterService(service);
    }
    return interceptor;
  }

  private Counter transitionCounter(DeliveryStatus to, FailureReason reason) {
    String toTag = to == DeliveryStatus.UNRECOGNIZED ? "unrecognized"
        : to.name().substring("DELIVERY_STATUS_".length()).toLowerCase(Locale.ROOT);
    String reasonTag = reason == FailureReason.FAILURE_REASON_UNSPECIFIED
        || reason == FailureReason.UNRECOGNIZED ? NONE
        : reason.name().substring("FAILURE_REASON_".length()).toLowerCase(Locale.ROOT);
    return transitions.computeIfAbsent(toTag + "/" + reasonTag,
        key -> Counter.builder(LEDGER_TRANSITIONS)
            .description(TRANSITIONS_HELP)
            .tag("to", toTag)
            .tag("reason", reasonTag)
            .register(registry));
  }
}
