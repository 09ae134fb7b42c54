package io.posrelay.relay.metrics;

import io.grpc.ClientInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingClientInterceptor;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.runtime.management.GrpcLabels;
import io.posrelay.runtime.management.LatencyBuckets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Every meter of relay-server, in one place. Names are dotted lowercase in code; the Prometheus
 * registry renders them with underscores, base units and a {@code _total} suffix on counters
 * (e.g. {@code posrelay_relay_deliveries_total}). No tag ever carries a terminal id.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@value #TERMINALS_CONNECTED}</td><td>gauge</td><td></td>
 *       <td>terminals with a live session (said Hello) on this node</td></tr>
 *   <tr><td>{@value #CONNECTIONS_OPEN}</td><td>gauge</td><td></td>
 *       <td>open TCP connections, including those that have not said Hello yet</td></tr>
 *   <tr><td>{@value #DELIVERIES_IN_FLIGHT}</td><td>gauge</td><td></td>
 *       <td>results written to a terminal and awaiting its ack</td></tr>
 *   <tr><td>{@value #DELIVERIES}</td><td>counter</td><td>outcome, reason</td>
 *       <td>deliveries this node started, counted once each when it ends: outcome = delivered
 *       (the terminal acked within the ack timeout; reason = none) | failed (reason = the failure
 *       reason in lowercase: ack_timeout, connection_lost, write_failed, session_replaced,
 *       node_shutdown). Their sum is the number of deliveries started, so the failed share is
 *       failed / (delivered + failed). A redelivery is a new delivery.</td></tr>
 *   <tr><td>{@value #DELIVERIES_CLAIMED}</td><td>counter</td><td></td>
 *       <td>deliveries still awaiting the ack at the claim delay (500 ms by default), for which
 *       an interim OUTCOME_CLAIMED claim was produced: the slow acks. Each also ends in
 *       {@value #DELIVERIES}</td></tr>
 *   <tr><td>{@value #ACKS_LATE}</td><td>counter</td><td></td>
 *       <td>acks that came after the ack timeout, whose delivery had already counted as failed
 *       (ack_timeout); a DELIVERED claim follows, and the ledger takes the result from FAILED
 *       to DELIVERED</td></tr>
 *   <tr><td>{@value #RESULTS_RECEIVED}</td><td>counter</td><td></td>
 *       <td>results read from the results topic</td></tr>
 *   <tr><td>{@value #RESULTS_IGNORED}</td><td>counter</td><td></td>
 *       <td>results for terminals not connected to this node</td></tr>
 *   <tr><td>{@value #RESULTS_DUPLICATE}</td><td>counter</td><td>state</td>
 *       <td>results not written because already acked here (state=acked) or in flight to the
 *       same session (state=in_flight)</td></tr>
 *   <tr><td>{@value #RESULTS_REVERSED_SKIPPED}</td><td>counter</td><td></td>
 *       <td>results not written because the ledger decided them REVERSAL_REQUIRED, as this node
 *       read it from {@code posrelay.delivery-events}: an ILK retry of the callback after the
 *       decision. Each is logged at INFO</td></tr>
 *   <tr><td>{@value #REVERSALS_REMEMBERED}</td><td>gauge</td><td></td>
 *       <td>result ids the ledger decided REVERSAL_REQUIRED that this node remembers (bounded
 *       by reversals.max-entries; expired ones count until purged)</td></tr>
 *   <tr><td>{@value #RESULTS_ERRORS}</td><td>counter</td><td>kind</td>
 *       <td>results consumer errors: bad_record (skipped: undeserializable, a tombstone, or
 *       refused by its handler as malformed; only for terminals held here, whose records are
 *       decoded), retriable, fatal (a Kafka error) and
 *       handler_failure (the handler threw): after either of the last two the reader died and
 *       restarts, or the process exits</td></tr>
 *   <tr><td>{@value #DELIVERY_LATENCY}</td><td>timer</td><td></td>
 *       <td>from writing a result to the terminal's ack (late acks included); histogram buckets
 *       at the claim delay, claim deadline and ack timeout (service-runtime's {@code
 *       LatencyBuckets})</td></tr>
 *   <tr><td>{@value #RESULT_AGE}</td><td>timer</td><td></td>
 *       <td>from ilk-ingest's received_at to writing the result to the terminal: the end-to-end
 *       latency up to the terminal's socket; the same buckets</td></tr>
 *   <tr><td>{@value #FRAMES_REJECTED}</td><td>counter</td><td>code</td>
 *       <td>inbound frames rejected with an Error: code = malformed_frame, frame_too_large,
 *       hello_required, invalid_hello, unauthenticated</td></tr>
 *   <tr><td>{@value #ERRORS_SENT}</td><td>counter</td><td>code</td>
 *       <td>every Error frame sent to a terminal, by Error.Code (lowercase, without CODE_)</td></tr>
 *   <tr><td>{@value #CLAIMS_PUBLISH_ERRORS}</td><td>counter</td><td></td>
 *       <td>claims the claims producer failed to write to Kafka</td></tr>
 *   <tr><td>{@value #CLAIMS_DROPPED}</td><td>counter</td><td>cause</td>
 *       <td>claims never handed to Kafka: cause = full (max-in-flight-publishes claims were
 *       already awaiting Kafka), kafka_unreachable (the last send timed out and a probe is in
 *       flight) or stopped (the node is closing). The ledger then fails the result at its claim
 *       deadline (UNCLAIMED) unless a later claim of it arrives; recovery redelivers it</td></tr>
 *   <tr><td>{@value #CLAIMS_IN_FLIGHT}</td><td>gauge</td><td></td>
 *       <td>claims handed to the claims producer and not yet acknowledged by Kafka</td></tr>
 *   <tr><td>{@value #SESSIONS_PUBLISH_ERRORS}</td><td>counter</td><td></td>
 *       <td>TerminalSession records the sessions producer failed to write to Kafka (takeover
 *       of this terminal's older session elsewhere may not happen)</td></tr>
 *   <tr><td>{@value #SESSIONS_DROPPED}</td><td>counter</td><td>cause</td>
 *       <td>TerminalSession records never handed to Kafka, causes as for {@value
 *       #CLAIMS_DROPPED}: the takeover of that terminal's older session on another node is then
 *       late (it ends by itself: idle timeout, or the terminal's next Hello)</td></tr>
 *   <tr><td>{@value #SESSIONS_IN_FLIGHT}</td><td>gauge</td><td></td>
 *       <td>TerminalSession records handed to the sessions producer and not yet
 *       acknowledged</td></tr>
 *   <tr><td>{@value #SESSIONS_ERRORS}</td><td>counter</td><td>kind</td>
 *       <td>sessions consumer errors, kinds as for the results consumer</td></tr>
 *   <tr><td>{@value #DELIVERY_EVENTS_ERRORS}</td><td>counter</td><td>kind</td>
 *       <td>delivery-events consumer errors, kinds as for the results consumer</td></tr>
 *   <tr><td>{@value #SESSIONS_REPLACED}</td><td>counter</td><td>scope</td>
 *       <td>sessions this node closed with CODE_SESSION_REPLACED because the terminal said
 *       Hello again: scope = local (on this node) or remote (on another node, seen through
 *       {@code posrelay.sessions})</td></tr>
 *   <tr><td>{@value #RECOVERY_FETCHES}</td><td>counter</td><td>outcome</td>
 *       <td>asks to admin-api for a terminal's undelivered results: outcome = success |
 *       failure (retried with backoff)</td></tr>
 *   <tr><td>{@value #RECOVERY_ABANDONED}</td><td>counter</td><td></td>
 *       <td>sessions whose recovery never succeeded: closed while still retrying, or refused
 *       for good by admin-api</td></tr>
 *   <tr><td>{@value #RECOVERY_RESULTS}</td><td>counter</td><td></td>
 *       <td>undelivered results found by recovery and handed to delivery (some may then be
 *       skipped as already acked or in flight)</td></tr>
 *   <tr><td>{@value #RECOVERY_TRIGGERS}</td><td>counter</td><td>action</td>
 *       <td>FAILED events from {@code posrelay.delivery-events} for a terminal with a session on
 *       this node: action = fetch (its undelivered results are fetched and redelivered) |
 *       ignored (the failure was on that same session, e.g. an ack timeout)</td></tr>
 *   <tr><td>{@value #WRITE_STALLS}</td><td>counter</td><td>cause</td>
 *       <td>terminals disconnected because they stopped reading: cause = stall_timeout
 *       (unwritable longer than write-stall-timeout.ms) or buffer_full (a result arrived while
 *       the outbound buffer was above its high watermark)</td></tr>
 *   <tr><td>{@value #AUTH_REJECTED}</td><td>counter</td><td>reason</td>
 *       <td>Hellos refused with CODE_UNAUTHENTICATED: reason = bad_token (auth_token does not
 *       prove terminal_id) or rate_limited (the address is cooling down; not checked)</td></tr>
 *   <tr><td>{@value #AUTH_COOLDOWNS}</td><td>counter</td><td></td>
 *       <td>remote addresses that reached the failed-authentication limit and started a
 *       cool-down</td></tr>
 *   <tr><td>{@value #AUTH_TRACKED_ADDRESSES}</td><td>gauge</td><td></td>
 *       <td>remote addresses with recent authentication failures (bounded)</td></tr>
 *   <tr><td>{@value #CONNECTIONS_REJECTED}</td><td>counter</td><td></td>
 *       <td>connections closed at once because the node was at max-connections (with Error
 *       CODE_OVERLOADED on plain TCP; without a TLS handshake when TLS is on)</td></tr>
 *   <tr><td>{@value #HELLO_TIMEOUTS}</td><td>counter</td><td></td>
 *       <td>connections closed with CODE_HELLO_REQUIRED because no frame arrived within
 *       hello-timeout.ms</td></tr>
 *   <tr><td>{@value #GRPC_CLIENT_DURATION}</td><td>timer</td><td>service, method, method_type,
 *       status_code</td><td>the recovery asks to admin-api ({@code ListDeliveries}, one call per
 *       page) by final status: OK, UNAVAILABLE (admin-api down or restoring), DEADLINE_EXCEEDED,
 *       UNAUTHENTICATED…; buckets at the system's thresholds. Micrometer's {@link
 *       MetricCollectingClientInterceptor}, which also counts {@value #GRPC_CLIENT_REQUESTS} and
 *       {@value #GRPC_CLIENT_RESPONSES} (messages) by method</td></tr>
 *   <tr><td>{@value #TLS_HANDSHAKE_FAILURES}</td><td>counter</td><td></td>
 *       <td>POS connections closed because their TLS handshake failed (not TLS, untrusted,
 *       no common protocol or cipher)</td></tr>
 * </table>
 *
 * <p>The meters of the result delivery path are recorded through {@link #deliveries()}; those
 * of terminal sessions (Error frames, takeover, recovery, write stalls) through {@link
 * #sessions()}.
 *
 * <p>Thread-safe.
 */
public final class RelayMeters {
  /** Gauge name; see the class table. */
  public static final String TERMINALS_CONNECTED = "posrelay.relay.terminals.connected";
  /** Gauge name; see the class table. */
  public static final String CONNECTIONS_OPEN = "posrelay.relay.connections.open";
  /** Gauge name; see the class table. */
  public static final String DELIVERIES_IN_FLIGHT = "posrelay.relay.deliveries.in.flight";
  /** Counter name; see the class table. */
  public static final String DELIVERIES = "posrelay.relay.deliveries";
  /** Counter name; see the class table. */
  public static final String DELIVERIES_CLAIMED = "posrelay.relay.deliveries.claimed";
  /** Counter name; see the class table. */
  public static final String ACKS_LATE = "posrelay.relay.acks.late";
  /** Counter name; see the class table. */
  public static final String RESULTS_RECEIVED = "posrelay.relay.results.received";
  /** Counter name; see the class table. */
  public static final String RESULTS_IGNORED = "posrelay.relay.results.ignored";
  /** Counter name; see the class table. */
  public static final String RESULTS_DUPLICATE = "posrelay.relay.results.duplicate";
  /** Counter name; see the class table. */
  public static final String RESULTS_REVERSED_SKIPPED = "posrelay.relay.results.reversed.skipped";
  /** Gauge name; see the class table. */
  public static final String REVERSALS_REMEMBERED = "posrelay.relay.reversals.remembered";
  /** Counter name; see the class table. */
  public static final String RESULTS_ERRORS = "posrelay.relay.results.errors";
  /** Timer name; see the class table. */
  public static final String DELIVERY_LATENCY = "posrelay.relay.delivery.latency";
  /** Timer name; see the class table. */
  public static final String RESULT_AGE = "posrelay.relay.result.age";
  /** Counter name; see the class table. */
  public static final String FRAMES_REJECTED = "posrelay.relay.frames.rejected";
  /** Counter name; see the class table. */
  public static final String ERRORS_SENT = "posrelay.relay.errors.sent";
  /** Counter name; see the class table. */
  public static final String CLAIMS_PUBLISH_ERRORS = "posrelay.relay.claims.publish.errors";
  /** Counter name; see the class table. */
  public static final String CLAIMS_DROPPED = "posrelay.relay.claims.dropped";
  /** Gauge name; see the class table. */
  public static final String CLAIMS_IN_FLIGHT = "posrelay.relay.claims.in.flight";
  /** Counter name; see the class table. */
  public static final String SESSIONS_DROPPED = "posrelay.relay.sessions.dropped";
  /** Gauge name; see the class table. */
  public static final String SESSIONS_IN_FLIGHT = "posrelay.relay.sessions.in.flight";
  /** Counter name; see the class table. */
  public static final String SESSIONS_PUBLISH_ERRORS = "posrelay.relay.sessions.publish.errors";
  /** Counter name; see the class table. */
  public static final String SESSIONS_ERRORS = "posrelay.relay.sessions.errors";
  /** Counter name; see the class table. */
  public static final String DELIVERY_EVENTS_ERRORS = "posrelay.relay.delivery.events.errors";
  /** Counter name; see the class table. */
  public static final String SESSIONS_REPLACED = "posrelay.relay.sessions.replaced";
  /** Counter name; see the class table. */
  public static final String RECOVERY_FETCHES = "posrelay.relay.recovery.fetches";
  /** Counter name; see the class table. */
  public static final String RECOVERY_ABANDONED = "posrelay.relay.recovery.abandoned";
  /** Counter name; see the class table. */
  public static final String RECOVERY_RESULTS = "posrelay.relay.recovery.results";
  /** Counter name; see the class table. */
  public static final String RECOVERY_TRIGGERS = "posrelay.relay.recovery.triggers";
  /** Counter name; see the class table. */
  public static final String WRITE_STALLS = "posrelay.relay.write.stalls";
  /** Counter name; see the class table. */
  public static final String AUTH_REJECTED = "posrelay.relay.auth.rejected";
  /** Counter name; see the class table. */
  public static final String AUTH_COOLDOWNS = "posrelay.relay.auth.cooldowns";
  /** Gauge name; see the class table. */
  public static final String AUTH_TRACKED_ADDRESSES = "posrelay.relay.auth.tracked.addresses";
  /** Counter name; see the class table. */
  public static final String CONNECTIONS_REJECTED = "posrelay.relay.connections.rejected";
  /** Counter name; see the class table. */
  public static final String HELLO_TIMEOUTS = "posrelay.relay.hello.timeouts";
  /** Counter name; see the class table. */
  public static final String TLS_HANDSHAKE_FAILURES = "posrelay.relay.tls.handshake.failures";
  /** Timer name (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_CLIENT_DURATION = "grpc.client.processing.duration";
  /** Counter name (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_CLIENT_REQUESTS = "grpc.client.requests.sent";
  /** Counter name (Micrometer's gRPC binder); see the class table. */
  public static final String GRPC_CLIENT_RESPONSES = "grpc.client.responses.received";

  /**
   * Kinds of consumer errors, the {@code kind} tag of {@value #RESULTS_ERRORS} and {@value
   * #SESSIONS_ERRORS}.
   */
  public enum ConsumerErrorKind {
    /** A record that could not be deserialized; logged with its offset and skipped. */
    BAD_RECORD,
    /** A retriable Kafka error; the consumer keeps polling. */
    RETRIABLE,
    /**
     * A non-retriable Kafka error: the reader dies, and is restarted a bounded number of times
     * ({@code BroadcastConsumer}).
     */
    FATAL,
    /**
     * The handler of a record threw (a bug, not a malformed record): the reader dies, and is
     * restarted a bounded number of times ({@code BroadcastConsumer}).
     */
    HANDLER_FAILURE
  }

  private final MeterRegistry registry;
  private final DeliveryMeters deliveries;
  private final SessionMeters sessions;

  /**
   * Registers the counters and timers in {@code registry}. Gauges are registered separately
   * with {@link #gauge}, by the component that owns the value.
   *
   * @param registry the server's own registry, never the global one
   * @param latencyThresholds this node's configured claim delay, claim deadline and ack timeout:
   *     the latency timers get a histogram bucket at each, besides the defaults' (none given =
   *     the defaults only)
   */
  public RelayMeters(MeterRegistry registry, Duration... latencyThresholds) {
    this.registry = registry;
    deliveries = new DeliveryMeters(registry, latencyThresholds);
    sessions = new SessionMeters(registry);
  }

  /**
   * The meters of the result delivery path: results read, duplicates, consumer errors, delivery
   * outcomes and latency, result age and claims that never reached Kafka.
   *
   * @return the one instance, registered in the same registry as this
   */
  public DeliveryMeters deliveries() {
    return deliveries;
  }

  /**
   * The meters of terminal sessions: Error frames, takeover, recovery and write stalls.
   *
   * @return the one instance, registered in the same registry as this
   */
  public SessionMeters sessions() {
    return sessions;
  }

  /**
   * The interceptor that counts and times the recovery asks to admin-api ({@value
   * #GRPC_CLIENT_DURATION}); {@code ListDeliveries} is registered at once (OK at 0).
   *
   * @return a new interceptor over this registry, for the channel to admin-api
   */
  public ClientInterceptor recoveryClientInterceptor() {
    Duration[] buckets = LatencyBuckets.with();
    GrpcLabels.snakeCase(registry);
    MetricCollectingClientInterceptor interceptor = new MetricCollectingClientInterceptor(
        registry, counter -> counter, timer -> timer.serviceLevelObjectives(buckets),
        Status.Code.OK);
    interceptor.preregisterMethod(DeliveryAdminGrpc.getListDeliveriesMethod());
    return interceptor;
  }

  /**
   * Registers a gauge that reads {@code value} at scrape time.
   *
   * @param name one of the gauge names of this class
   * @param description shown as the Prometheus HELP text
   * @param value read on the scraping thread; must be thread-safe and cheap
   */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** A counter without tags; shared with {@link DeliveryMeters} and {@link SessionMeters}. */
  static Counter counter(MeterRegistry registry, String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** A tag value: {@code enumName} without {@code prefix}, in lowercase. */
  static String lower(String enumName, String prefix) {
    return enumName.substring(prefix.length()).toLowerCase(Locale.ROOT);
  }
}
