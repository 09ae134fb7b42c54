package io.posrelay.relay;

import static io.posrelay.relay.RelayKeys.ADMIN_ADDRESS;
import static io.posrelay.relay.RelayKeys.DEDUP_MAX_ENTRIES;
import static io.posrelay.relay.RelayKeys.DEDUP_TTL;
import static io.posrelay.relay.RelayKeys.REVERSALS_MAX_ENTRIES;
import static io.posrelay.relay.RelayKeys.REVERSALS_TTL;
import static io.posrelay.relay.RelayKeys.HEARTBEAT_INTERVAL;
import static io.posrelay.relay.RelayKeys.HELLO_TIMEOUT;
import static io.posrelay.relay.RelayKeys.INQUIRY_TIMEOUT;
import static io.posrelay.relay.RelayKeys.MANAGEMENT_PORT;
import static io.posrelay.relay.RelayKeys.MAX_CONCURRENT_INQUIRIES;
import static io.posrelay.relay.RelayKeys.MAX_CONNECTIONS;
import static io.posrelay.relay.RelayKeys.MAX_FRAME_BYTES;
import static io.posrelay.relay.RelayKeys.MAX_INQUIRIES_PER_SESSION;
import static io.posrelay.relay.RelayKeys.READY_MAX_RESULTS_LAG;
import static io.posrelay.relay.RelayKeys.SHUTDOWN_DRAIN;
import static io.posrelay.relay.RelayKeys.WRITE_STALL_TIMEOUT;
import static io.posrelay.runtime.config.ListenerKeys.HOST;
import static io.posrelay.runtime.kafka.KafkaKeys.ACK_TIMEOUT;
import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;
import static io.posrelay.runtime.kafka.KafkaKeys.CLAIM_DEADLINE;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.FailedDeliveryWatcher;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.relay.delivery.ReversedResults;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.grpc.GrpcUndeliveredResults;
import io.posrelay.relay.inquiry.Inquiries;
import io.posrelay.relay.inquiry.InquiryAcks;
import io.posrelay.relay.inquiry.InquiryLimits;
import io.posrelay.relay.inquiry.LedgerLookup;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.kafka.ReaderReadiness;
import io.posrelay.relay.metrics.InquiryMeters;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.ConnectionLimitHandler;
import io.posrelay.relay.pos.PosChannelInitializer;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.management.Health;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.runtime.management.ServiceMetrics;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running relay node: the POS TCP listener, the broadcast results and sessions consumers (and,
 * with recovery on, the delivery-events consumer that triggers redelivery and tells the node
 * which results the ledger decided REVERSAL_REQUIRED, never to be delivered again), the
 * claims and sessions producers, the admin-api client for recovery on reconnect, and the
 * management HTTP listener ({@code /metrics}, {@code /health/live}, {@code /health/ready}).
 * Start with {@link #start}; stop with {@link #close}. Configured by the keys of {@link
 * RelayKeys#SPEC}.
 *
 * <p>Ready ({@link #health()}) while the POS listener is bound, the results reader is alive, has
 * its partitions and is at most {@code ready.max-results-lag-records} behind, and the sessions
 * reader (and, with recovery on, the delivery-events reader) is alive. Live while the POS event
 * loops answer. A reader that dies and cannot be restarted completes {@link #failure()}.
 *
 * <p>Thread-safe. Each server owns its own {@link PrometheusMeterRegistry}, so several can run in
 * one JVM.
 */
public final class RelayServer implements ServiceLauncher.RunningService {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);

  private final ServiceConfig config;
  private final String nodeId;
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final PrometheusMeterRegistry meterRegistry = metrics.registry();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ChannelGroup posChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final RelayHealth relayHealth = new RelayHealth();
  private @Nullable ClaimPublisher claims;
  private @Nullable SessionPublisher sessionPublisher;
  private @Nullable BroadcastConsumer<?> results;
  private @Nullable BroadcastConsumer<TerminalSession> sessions;
  private @Nullable BroadcastConsumer<?> deliveryEvents;
  private @Nullable AutoCloseable undelivered;
  private @Nullable DeliveryTracker tracker;
  private @Nullable ManagementServer management;
  private volatile @Nullable PosListener pos;

  private RelayServer(ServiceConfig config) {
    this.config = config;
    this.nodeId = RelayKeys.nodeId(config);
  }

  /**
   * Starts a node: checks that its topics exist, creates the claims and sessions producers,
   * assigns every partition of the results and sessions topics and resolves its end offset, then
   * binds the management and POS listeners, the POS listener last — an open POS port means ready,
   * and any result or session produced after this returns is seen. admin-api need not be up:
   * recovery retries.
   *
   * @param config the node's configuration ({@link RelayKeys#SPEC})
   * @return the running server
   * @throws org.apache.kafka.common.KafkaException if Kafka cannot be reached in time or refuses
   *     the node's credentials (subclass of {@link RuntimeException})
   * @throws IllegalStateException if a topic is missing, or a port cannot be bound (the message
   *     says which)
   * @throws java.util.concurrent.TimeoutException if Kafka does not answer the topic check
   * @throws InterruptedException if interrupted while checking the topics
   */
  public static RelayServer start(ServiceConfig config) throws Exception {
    return start(config, new KafkaRelayClients(), null);
  }

  /**
   * {@link #start(ServiceConfig)}, with every result the results reader reads shown to {@code
   * resultsTap} on the reader's thread before it is dispatched. For fault drills: a tap that
   * throws kills the results reader as a handler bug would. So that the tap sees every result,
   * this reader decodes the results for terminals not held here too, which {@link
   * #start(ServiceConfig)} (production) skips undecoded.
   *
   * @param resultsTap sees each result first; must not block
   * @throws Exception as {@link #start(ServiceConfig)}
   */
  public static RelayServer start(ServiceConfig config, Consumer<PaymentResult> resultsTap)
      throws Exception {
    return start(config, new KafkaRelayClients(), resultsTap);
  }

  /** {@link #start(ServiceConfig)} with the given Kafka clients. */
  static RelayServer start(ServiceConfig config, RelayKafka clients) throws Exception {
    return start(config, clients, null);
  }

  private static RelayServer start(ServiceConfig config, RelayKafka clients,
      @Nullable Consumer<PaymentResult> resultsTap) throws Exception {
    RelayServer server = new RelayServer(config);
    try {
      server.doStart(clients, resultsTap);
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  private void doStart(RelayKafka clients, @Nullable Consumer<PaymentResult> resultsTap)
      throws Exception {
    clients.checkTopics(config);
    RelayMeters meters = new RelayMeters(meterRegistry,
        DeliveryTracker.claimDelayFor(config.get(CLAIM_DEADLINE)), config.get(CLAIM_DEADLINE),
        config.get(ACK_TIMEOUT));
    Clock clock = Clock.systemUTC();
    TerminalRegistry registry = new TerminalRegistry();
    meters.gauge(RelayMeters.TERMINALS_CONNECTED, "Terminals with a session on this node.",
        registry::size);
    ClaimPublisher publisher = clients.claims(config, meters, meterRegistry);
    claims = publisher;
    RecentResultIds acked =
        new RecentResultIds(config.get(DEDUP_MAX_ENTRIES), config.get(DEDUP_TTL), System::nanoTime);
    ReversedResults reversed = new ReversedResults(new RecentResultIds(
        config.get(REVERSALS_MAX_ENTRIES), config.get(REVERSALS_TTL), System::nanoTime));
    meters.gauge(RelayMeters.REVERSALS_REMEMBERED, "Result ids the ledger decided"
        + " REVERSAL_REQUIRED that this node remembers, never to deliver them.", reversed::size);
    DeliveryTracker deliveries =
        new DeliveryTracker(nodeId, registry, acked, reversed, publisher, meters,
            config.get(ACK_TIMEOUT), DeliveryTracker.claimDelayFor(config.get(CLAIM_DEADLINE)),
            clock, System::nanoTime);
    tracker = deliveries;
    SessionPublisher announcer = clients.sessionPublisher(config, meters, meterRegistry);
    sessionPublisher = announcer;
    BroadcastConsumer<?> consumer = resultsTap == null
        ? clients.results(config, deliveries::takesResultsFor, deliveries, meters, meterRegistry)
        : clients.results(config, terminalId -> true, result -> {
          resultsTap.accept(result);
          deliveries.dispatch(result);
        }, meters, meterRegistry);
    results = consumer;
    relayHealth.reader(consumer, "results-reader", config.get(READY_MAX_RESULTS_LAG));
    BroadcastConsumer<TerminalSession> sessionsConsumer = clients.sessions(config,
        new SessionTakeover(nodeId, registry, meters), meters, meterRegistry);
    sessions = sessionsConsumer;
    relayHealth.reader(sessionsConsumer, "sessions-reader", ReaderReadiness.NO_LAG_BOUND);
    consumer.start(KAFKA_START_TIMEOUT);
    sessionsConsumer.start(KAFKA_START_TIMEOUT);
    GrpcUndeliveredResults source = RecoverySetup.adminClient(config, meters);
    undelivered = source;
    SessionRecovery recovery = RecoverySetup.recovery(config, source, deliveries, meters, clock);
    LedgerLookup ledger = source == null ? null : source.ledgerLookup(config.get(INQUIRY_TIMEOUT));
    if (source != null) {
      FailedDeliveryWatcher watcher =
          new FailedDeliveryWatcher(registry, recovery, meters.sessions());
      BroadcastConsumer<?> failures = clients.deliveryEvents(config,
          new DeliveryEventInterest(registry), event -> {
            reversed.onDeliveryEvent(event);
            watcher.onDeliveryEvent(event);
          }, meters, meterRegistry);
      deliveryEvents = failures;
      relayHealth.reader(failures, "delivery-events-reader", ReaderReadiness.NO_LAG_BOUND);
      failures.start(KAFKA_START_TIMEOUT);
    }

    PosListener listener = new PosListener(posChannels, meterRegistry, relayHealth);
    pos = listener;
    relayHealth.health.bindTo(meterRegistry);

    management = ManagementServer.start("relay-server", config.get(HOST),
        config.get(MANAGEMENT_PORT), MANAGEMENT_PORT.name(), meterRegistry, relayHealth.health);
    ConnectionLimitHandler limit = new ConnectionLimitHandler(config.get(MAX_CONNECTIONS), meters);
    PosChannelInitializer pipeline =
        new PosChannelInitializer(nodeId, config.get(MAX_FRAME_BYTES),
            config.get(HEARTBEAT_INTERVAL).toMillis(), posChannels, limit, registry, deliveries,
            announcer, recovery, config.get(WRITE_STALL_TIMEOUT), meters, clock,
            PosListenerSetup.tls(config, nodeId), config.get(HELLO_TIMEOUT),
            PosListenerSetup.authenticator(config, nodeId, meters),
            new Inquiries(ledger, new InquiryLimits(config.get(MAX_CONCURRENT_INQUIRIES),
                config.get(MAX_INQUIRIES_PER_SESSION)),
                new InquiryMeters(meterRegistry, meters.sessions()),
                new InquiryAcks(nodeId, publisher, acked, clock)));
    listener.bind(config, pipeline);
    log.debug("relay node {} started on {} ({}): POS port {}, management port {}", nodeId,
        config.get(HOST), listener.epoll() ? "epoll" : "nio", port(), managementPort());
  }

  /** The configuration this server runs with. */
  public ServiceConfig config() {
    return config;
  }

  /** This node's id ({@link RelayKeys#nodeId}). */
  public String nodeId() {
    return nodeId;
  }

  /** Where the node listens, for the log once it is ready. */
  @Override
  public String readyLine() {
    return "relay-server " + nodeId + " ready: POS "
        + (config.get(ListenerKeys.TLS_CERT_FILE).isPresent() ? "tls" : "tcp") + "://"
        + config.get(HOST) + ":" + port() + ", metrics http://" + config.get(HOST) + ":"
        + managementPort() + "/metrics, kafka " + config.get(BOOTSTRAP_SERVERS) + ", admin "
        + (config.get(ADMIN_ADDRESS).isEmpty() ? "(recovery off)" : config.get(ADMIN_ADDRESS));
  }

  /**
   * Completes, with one line, when a Kafka reader of this node died more often than it may be
   * restarted: the node no longer sees results or sessions and must be replaced (the launcher
   * exits 3). Never completes exceptionally.
   */
  @Override
  public CompletionStage<String> failure() {
    return relayHealth.failure;
  }

  /**
   * This node's liveness and readiness, as served on {@code /health/live} and {@code
   * /health/ready}: components {@code pos-listener}, {@code results-reader}, {@code
   * sessions-reader}, {@code delivery-events-reader} (recovery on) for readiness; {@code
   * pos-accept-loop} and {@code pos-event-loops} for liveness.
   */
  public Health health() {
    return relayHealth.health;
  }

  /**
   * The POS TCP port actually bound (the random one if configured as 0).
   *
   * @throws IllegalStateException if the server did not start
   */
  public int port() {
    PosListener listener = pos;
    if (listener == null) {
      throw new IllegalStateException("not started");
    }
    return listener.port();
  }

  /**
   * The management HTTP port actually bound (the random one if configured as 0).
   *
   * @throws IllegalStateException if the server did not start
   */
  public int managementPort() {
    ManagementServer server = management;
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.port();
  }

  /** This server's own registry, also served at {@code GET /metrics} on {@link #managementPort}. */
  public PrometheusMeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * Shuts the node down gracefully: stops accepting connections and reading results, gives
   * results in flight up to {@link #drainTimeout} to be acked, then sends Error
   * CODE_SHUTTING_DOWN to every terminal and closes its connection (results still in flight are
   * claimed FAILED with NODE_SHUTDOWN), flushes the claims producer and stops the event loops.
   * Bounded in time (about drain timeout + 15 s at worst); idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    relayHealth.health.stopping();
    PosListener listener = pos;
    try {
      if (listener != null) {
        listener.stopAccepting(STEP_TIMEOUT);
      }
      if (results != null) {
        results.close(STEP_TIMEOUT);
      }
      if (sessions != null) {
        sessions.close(STEP_TIMEOUT);
      }
      if (deliveryEvents != null) {
        deliveryEvents.close(STEP_TIMEOUT);
      }
      DeliveryTracker deliveries = tracker;
      if (deliveries != null && !deliveries.awaitNoneInFlight(drainTimeout(config))) {
        log.info("{} result(s) still in flight at shutdown; failing them with NODE_SHUTDOWN",
            deliveries.inFlight());
      }
      if (listener != null) {
        listener.closeConnections(STEP_TIMEOUT);
      }
      if (deliveries != null) {
        deliveries.awaitNoneInFlight(Duration.ofSeconds(1)); // channelInactive runs after close
      }
      if (management != null) {
        management.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (claims != null) {
        claims.close(STEP_TIMEOUT);
      }
      if (sessionPublisher != null) {
        sessionPublisher.close(STEP_TIMEOUT);
      }
      if (undelivered != null) {
        closeQuietly(undelivered);
      }
      if (listener != null) {
        listener.shutdownLoops();
      }
      metrics.close();
    }
  }

  /**
   * How long shutdown waits for results in flight to be acked before failing them with
   * NODE_SHUTDOWN: the smaller of ack-timeout.ms and shutdown-drain.ms.
   */
  static Duration drainTimeout(ServiceConfig config) {
    Duration ack = config.get(ACK_TIMEOUT);
    Duration drain = config.get(SHUTDOWN_DRAIN);
    return ack.compareTo(drain) < 0 ? ack : drain;
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
    }
  }
}
