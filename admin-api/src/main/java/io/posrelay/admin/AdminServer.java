package io.posrelay.admin;

import static io.posrelay.admin.AdminKeys.MANAGEMENT_PORT;
import static io.posrelay.admin.AdminKeys.PORT;
import static io.posrelay.admin.AdminKeys.REFLECTION_REQUIRES_TOKEN;
import static io.posrelay.runtime.config.ListenerKeys.HOST;
import static io.posrelay.runtime.config.ListenerKeys.TLS_CERT_FILE;
import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;

import io.grpc.Server;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.events.DeliveryEventsFeed;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.grpc.AdminServices;
import io.posrelay.admin.grpc.DeliveryAdminService;
import io.posrelay.admin.grpc.GrpcListener;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.admin.ledger.LedgerMeters;
import io.posrelay.admin.metrics.AdminMeters;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerStreams;
import io.posrelay.admin.ledger.LedgerTopology;
import io.posrelay.admin.ledger.LedgerUnavailableException;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.ledger.TerminalOwner;
import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.management.Health;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.runtime.management.ServiceMetrics;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.v1.kafka.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running admin-api: the ledger (Kafka Streams, {@link LedgerTopology}), the delivery-events
 * feed for WatchDeliveryEvents, the retry producer, {@code GET /metrics} on the management port
 * and the gRPC server, configured by the keys of {@link AdminKeys#SPEC}. {@link #start} checks the
 * ledger's topics, starts the ledger, waits up to two minutes for it to be RUNNING (its stores
 * restored from their changelogs) and binds the gRPC port last, so an open port normally means
 * ready. gRPC health reports NOT_SERVING whenever the ledger is not RUNNING (a restore longer than
 * the wait, a rebalance); queries are UNAVAILABLE meanwhile. With operator tokens configured,
 * every call but health (and reflection, unless {@code reflection-requires-token}) needs one; with
 * {@code tls-cert-file} and {@code tls-key-file}, gRPC and the peer fan-out speak TLS; {@code GET
 * /metrics} stays plain and open.
 *
 * <p>{@code GET /health/ready} on the management port ({@link #health()}) is 200 while the ledger
 * is RUNNING and the gRPC server serves; {@code /health/live} is 200 while the gRPC call executor
 * answers and the ledger has not stopped for good ({@link AdminHealth}).
 *
 * <p>Thread-safe. Each server owns its own {@link PrometheusMeterRegistry}, so several can run in
 * one JVM.
 */
public final class AdminServer implements ServiceLauncher.RunningService {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final int WATCH_BUFFER_EVENTS = 1_000;
  private static final int MAX_WATCHERS = 100;
  /** How long {@link #start} waits for the ledger to be RUNNING before it binds gRPC anyway. */
  private static final Duration RUNNING_WAIT = Duration.ofMinutes(2);
  /** Gauge: open WatchDeliveryEvents streams. */
  public static final String WATCHERS_METER = AdminMeters.WATCHERS;

  private final ServiceConfig config;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final PrometheusMeterRegistry registry = metrics.registry();
  private final AdminMeters meters = new AdminMeters(registry);
  private final HealthStatusManager health = new HealthStatusManager();
  private final Health managementHealth;
  private final EventFanout fanout = new EventFanout(WATCH_BUFFER_EVENTS, MAX_WATCHERS);
  private final ThreadPoolExecutor grpcExecutor;
  private @Nullable ResultRepublisher republisher;
  private volatile @Nullable LedgerStreams ledger;
  private volatile @Nullable Peers peers;
  private @Nullable KafkaStreamsMetrics streamsMetrics;
  private @Nullable DeliveryEventsFeed feed;
  private @Nullable ManagementServer management;
  private volatile @Nullable Server grpc;

  private AdminServer(ServiceConfig config) {
    this.config = config;
    AdminServices.setServing(health, false);
    Gauge.builder(WATCHERS_METER, fanout, EventFanout::subscribers)
        .description("Open WatchDeliveryEvents streams")
        .register(registry);
    grpcExecutor = GrpcListener.executor();
    managementHealth = AdminHealth.of(() -> ledger, () -> grpc, grpcExecutor, closed::get);
    managementHealth.bindTo(registry);
  }

  /**
   * Starts admin-api: checks that the results and claims topics exist with equal partition counts,
   * creates the delivery-events topic if it is missing, starts the retry producer and the events
   * feed, binds {@code GET /metrics} and the gRPC server (health NOT_SERVING), starts the ledger
   * and waits (at most 2 min) for it to be RUNNING. A port in use fails start-up before the ledger
   * joins its consumer group.
   *
   * @param config admin-api's configuration ({@link AdminKeys#SPEC})
   * @return the running server
   * @throws IllegalStateException if the results or claims topic is missing or their partition
   *     counts differ, a port cannot be bound, or the ledger stopped while starting (the message
   *     says which)
   * @throws java.util.concurrent.TimeoutException if Kafka does not answer the topic check within
   *     30 s
   * @throws org.apache.kafka.common.KafkaException if Kafka refuses admin-api's credentials or a
   *     call (subclass of {@link RuntimeException})
   * @throws org.apache.kafka.streams.errors.StreamsException if the state directory is locked by
   *     another instance (give each instance on a machine its own {@code state-dir})
   * @throws UncheckedIOException naming {@code management.port} if it cannot be bound
   * @throws InvalidConfigException naming the key if a TLS file is no longer valid
   * @throws InterruptedException if interrupted while waiting for Kafka or the ledger
   */
  public static AdminServer start(ServiceConfig config) throws Exception {
    AdminServer server = new AdminServer(config);
    try {
      server.startComponents();
      return server;
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  private void startComponents() throws Exception {
    AdminKafka kafka = new AdminKafka(config);
    kafka.checkTopics();
    ResultRepublisher pub = kafka.retryProducer();
    republisher = pub;
    pub.warmUp();
    feed = kafka.feed(event -> {
      meters.transition(event); // read_committed: each committed transition once
      fanout.publish(event);
    });
    management = ManagementServer.start("admin-api", config.get(HOST),
        config.get(MANAGEMENT_PORT), MANAGEMENT_PORT.name(), registry, managementHealth);
    RotatingSecrets tokens = AdminKeys.operatorTokens(config).orElse(null);
    if (tokens == null) {
      log.warn("operator token check is OFF: admin gRPC calls are accepted without a token (set"
          + " operator-token-file or POSRELAY_OPERATOR_TOKENS)");
    }
    OperatorAuthInterceptor auth = new OperatorAuthInterceptor(tokens,
        config.get(REFLECTION_REQUIRES_TOKEN), registry);
    Peers others = new Peers(this::peerAddresses, this::ownerOfTerminal,
        Peers.connect(AdminTls.peers(config)), tokens == null ? null : tokens.currentText());
    peers = others;
    LedgerQueries queries = new LedgerQueries(() -> runningLedger().partitions(),
        terminalId -> runningLedger().partitionOfTerminal(terminalId));
    LedgerMeters.bindTo(registry, queries, Clock.systemUTC());
    DeliveryAdminService service =
        new DeliveryAdminService(queries, others, pub, fanout, Clock.systemUTC(),
            ReversalKeys.policy(config));
    // gRPC is bound before the ledger starts: a port in use then fails start-up before this
    // instance joins the ledger's consumer group (which would make the running instances
    // rebalance for nothing), and application.server can name a port chosen at random. Health
    // says NOT_SERVING, and queries UNAVAILABLE, until the ledger is RUNNING.
    bindGrpc(service, auth);
    awaitLedger(startLedger(kafka.topics(), port()));
  }

  private LedgerStreams startLedger(TopicNames topics, int grpcPort) {
    LedgerStreams streams = LedgerStreams.start(
        LedgerTopology.build(topics, AdminKeys.ledgerSettings(config), meters::duplicateClaims),
        AdminKeys.ledgerProperties(config, grpcPort),
        running -> {
          if (!closed.get()) {
            AdminServices.setServing(health, running);
          }
        });
    ledger = streams;
    KafkaStreamsMetrics kafkaMetrics = new KafkaStreamsMetrics(streams.kafkaStreams());
    kafkaMetrics.bindTo(registry);
    streamsMetrics = kafkaMetrics;
    return streams;
  }

  private void bindGrpc(DeliveryAdminService service, OperatorAuthInterceptor auth) {
    String host = config.get(HOST);
    int port = config.get(PORT);
    Server server = GrpcListener.build(new InetSocketAddress(host, port), AdminTls.server(config),
        grpcExecutor, service, health, auth, meters.grpcServerInterceptor(
            DeliveryAdminGrpc.getServiceDescriptor(), HealthGrpc.getServiceDescriptor()));
    try {
      grpc = server.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          PORT.name() + ": cannot bind " + host + ":" + port + " (" + e + ")", e);
    }
  }

  private LedgerStreams runningLedger() {
    LedgerStreams l = ledger;
    if (l == null) {
      throw new LedgerUnavailableException("ledger starting");
    }
    return l;
  }

  private List<String> peerAddresses() {
    LedgerStreams l = ledger;
    return l == null ? List.of() : l.peers();
  }

  private TerminalOwner ownerOfTerminal(String terminalId) {
    LedgerStreams l = ledger;
    return l == null ? TerminalOwner.UNKNOWN : l.ownerOfTerminal(terminalId);
  }

  /**
   * Waits (at most {@link #RUNNING_WAIT}) for the ledger to restore its stores, so that an open
   * gRPC port means ready. A restore that takes longer goes on in the background; the port opens
   * with health NOT_SERVING and queries UNAVAILABLE until it ends.
   */
  private void awaitLedger(LedgerStreams streams) throws InterruptedException {
    if (!streams.awaitRunning(RUNNING_WAIT)) {
      log.warn("ledger still restoring after {}; serving gRPC with health NOT_SERVING until it"
          + " is RUNNING", RUNNING_WAIT);
    }
  }

  /** Where admin-api listens, for the log once it is ready. */
  @Override
  public String readyLine() {
    return "admin-api ready: gRPC" + (config.get(TLS_CERT_FILE).isPresent() ? " (TLS) " : " ")
        + config.get(HOST) + ":" + port() + ", metrics http://" + config.get(HOST) + ":"
        + managementPort() + "/metrics, kafka " + config.get(BOOTSTRAP_SERVERS);
  }

  /** The configuration this server runs with. */
  public ServiceConfig config() {
    return config;
  }

  /**
   * The bound gRPC port (the random one if configured as 0).
   *
   * @throws IllegalStateException if the gRPC server is not bound
   */
  public int port() {
    Server s = grpc;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getPort();
  }

  /**
   * The bound HTTP port of {@code GET /metrics} (the random one if configured as 0).
   *
   * @throws IllegalStateException if the management server is not bound
   */
  public int managementPort() {
    ManagementServer m = management;
    if (m == null) {
      throw new IllegalStateException("not started");
    }
    return m.port();
  }

  /** This server's own meter registry (never the global one), served at {@code GET /metrics}. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * admin-api's liveness and readiness, as served on {@code /health/live} and {@code
   * /health/ready} of the management port: readiness components {@code ledger} and {@code grpc};
   * liveness components {@code ledger-streams} and {@code grpc-executor}.
   */
  public Health health() {
    return managementHealth;
  }

  /**
   * Waits until the ledger is RUNNING: its stores restored, health SERVING.
   *
   * @return false if {@code timeout} passed first, or the ledger is not started
   * @throws IllegalStateException if the ledger stopped instead
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    LedgerStreams l = ledger;
    return l != null && l.awaitRunning(timeout);
  }

  /**
   * Shuts down gracefully, within about 30 s: health turns NOT_SERVING, watch streams end with
   * UNAVAILABLE, the gRPC server stops accepting and lets in-flight calls finish (5 s, then
   * cancels them), then the metrics listener, the peer channels, the events feed, the ledger
   * (committing its last transaction and writing checkpoints) and the retry producer stop.
   * Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    managementHealth.stopping();
    health.enterTerminalState();
    fanout.closeAll();
    Server s = grpc;
    if (s != null) {
      s.shutdown();
      try {
        if (!s.awaitTermination(5, TimeUnit.SECONDS)) {
          s.shutdownNow().awaitTermination(2, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        s.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    closeQuietly(management);
    closeQuietly(peers);
    closeQuietly(feed);
    closeQuietly(streamsMetrics);
    closeQuietly(ledger);
    closeQuietly(republisher);
    grpcExecutor.shutdownNow();
    metrics.close();
    log.info("admin-api stopped");
  }

  private static void closeQuietly(@Nullable AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
    }
  }

}
