package io.posrelay.admin;

import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.auth.OperatorTokens;
import io.posrelay.admin.events.DeliveryEventsFeed;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.grpc.AdminServices;
import io.posrelay.admin.grpc.DeliveryAdminService;
import io.posrelay.admin.grpc.GrpcListener;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.admin.ledger.LedgerMeters;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerStreams;
import io.posrelay.admin.ledger.LedgerTopology;
import io.posrelay.admin.ledger.LedgerUnavailableException;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.v1.kafka.EventSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running admin-api: the ledger (Kafka Streams, {@link LedgerTopology}), the delivery-events
 * feed for WatchDeliveryEvents, the retry producer, {@code GET /metrics} and the gRPC server.
 * {@link #start} makes sure {@code posrelay.delivery-events} exists, starts the ledger, waits up
 * to two minutes for it to be RUNNING (its stores restored from their changelogs) and binds the
 * gRPC port last, so an open port normally means ready. gRPC health reports NOT_SERVING whenever
 * the ledger is not RUNNING (a restore longer than the wait, a rebalance); queries are UNAVAILABLE
 * meanwhile. With {@link AdminConfig#security()}, every call but health (and reflection, unless
 * configured otherwise) needs an operator token, and gRPC and the peer fan-out speak TLS; {@code
 * GET /metrics} stays plain and open. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  /**
   * grpc-java logs each failed transport (e.g. a client sending garbage instead of the HTTP/2
   * preface) at INFO through java.util.logging, with a stack trace and a hex dump of the
   * client's bytes: an unauthenticated client could flood the log with its own data. Such a
   * connection is closed anyway; only WARNING and above are kept. A strong reference, so that
   * the JUL logger and its level are not garbage-collected.
   */
  private static final java.util.logging.Logger GRPC_CONNECTIONS_LOG = quietGrpcConnections();
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  private static final int GRPC_QUEUE = 256;
  private static final int WATCH_BUFFER_EVENTS = 1_000;
  private static final int MAX_WATCHERS = 100;
  /** How long {@link #start} waits for the ledger to be RUNNING before it binds gRPC anyway. */
  private static final Duration RUNNING_WAIT = Duration.ofMinutes(2);
  /** Gauge: open WatchDeliveryEvents streams. */
  public static final String WATCHERS_METER = "posrelay.admin.watchers";

  private final AtomicBoolean closed = new AtomicBoolean();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final HealthStatusManager health = new HealthStatusManager();
  private final EventFanout fanout = new EventFanout(WATCH_BUFFER_EVENTS, MAX_WATCHERS);
  private final ThreadPoolExecutor grpcExecutor;
  private @Nullable ResultRepublisher republisher;
  private volatile @Nullable LedgerStreams ledger;
  private volatile @Nullable Peers peers;
  private @Nullable KafkaStreamsMetrics streamsMetrics;
  private @Nullable DeliveryEventsFeed feed;
  private @Nullable ManagementServer metrics;
  private @Nullable Server grpc;

  private AdminServer() {
    AdminServices.setServing(health, false);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder(WATCHERS_METER, fanout, EventFanout::subscribers)
        .description("Open WatchDeliveryEvents streams")
        .register(registry);
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    grpcExecutor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(GRPC_QUEUE),
            r -> daemon(r, "posrelay-admin-grpc-" + n.incrementAndGet()));
  }

  /**
   * Starts admin-api: creates {@code posrelay.delivery-events} if it is missing, starts the ledger
   * and the events feed, binds {@code GET /metrics}, waits (at most 2 min) for the ledger to be
   * RUNNING, then binds the gRPC server.
   *
   * @throws org.apache.kafka.common.KafkaException if Kafka cannot be reached within 30 s
   * @throws IllegalStateException if {@code posrelay.results} does not exist, or the ledger stopped
   *     while starting
   * @throws org.apache.kafka.streams.errors.StreamsException if the state directory is locked by
   *     another instance (give each instance on a machine its own {@code state-dir})
   * @throws UncheckedIOException if a port cannot be bound
   * @throws IllegalArgumentException naming the key if a TLS file is no longer valid
   */
  public static AdminServer start(AdminConfig config) {
    AdminServer server = new AdminServer();
    try {
      server.startComponents(config);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void startComponents(AdminConfig config) {
    DeliveryEventsTopic.ensureExists(
        config.kafkaBootstrap(), (short) config.replicationFactor(), KAFKA_START_TIMEOUT);
    ResultRepublisher pub = new ResultRepublisher(new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap(),
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.CLIENT_ID_CONFIG, "posrelay-admin-retry"),
        new StringSerializer(),
        EventSerdes.paymentResult().serializer()));
    republisher = pub;
    feed = DeliveryEventsFeed.start(config.kafkaBootstrap(), fanout::publish, KAFKA_START_TIMEOUT);
    metrics = ManagementServer.start("admin-api", config.host(), config.metricsPort(),
        "metrics-port", registry);
    AdminSecurity security = config.security();
    OperatorTokens tokens = security.operatorTokens();
    if (tokens.isEmpty()) {
      log.warn("operator token check is OFF: admin gRPC calls are accepted without a token (set"
          + " --operator-token-file or POSRELAY_OPERATOR_TOKENS)");
    }
    OperatorAuthInterceptor auth =
        new OperatorAuthInterceptor(tokens, security.reflectionRequiresToken(), registry);
    Peers others = new Peers(this::peerAddresses, security.peerTls(),
        tokens.isEmpty() ? null : tokens.current());
    peers = others;
    LedgerQueries queries = new LedgerQueries(() -> runningLedger().partitions(),
        terminalId -> runningLedger().partitionOfTerminal(terminalId));
    LedgerMeters.bindTo(registry, queries, Clock.systemUTC());
    DeliveryAdminService service =
        new DeliveryAdminService(
            queries,
            others,
            pub,
            fanout,
            Clock.systemUTC());
    if (config.port() == 0) {
      // application.server must name the gRPC port, so a random one is bound first; health
      // says when the ledger is ready.
      bindGrpc(config, service, auth);
      awaitLedger(startLedger(config, port()));
    } else {
      awaitLedger(startLedger(config, config.port()));
      bindGrpc(config, service, auth);
    }
    log.info("admin-api started: {}", config);
  }

  private LedgerStreams startLedger(AdminConfig config, int grpcPort) {
    LedgerStreams streams =
        LedgerStreams.start(
            LedgerTopology.build(
                config.claimDeadline(), config.ackTimeout(), config.retention(), config.grace()),
            LedgerStreams.properties(
                config.applicationId(),
                config.kafkaBootstrap(),
                config.stateDir().toAbsolutePath().toString(),
                config.replicationFactor(),
                config.commitInterval(),
                config.advertisedHost() + ":" + grpcPort),
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

  private void bindGrpc(AdminConfig config, DeliveryAdminService service,
      OperatorAuthInterceptor auth) {
    Server server = GrpcListener.build(new InetSocketAddress(config.host(), config.port()),
        grpcExecutor, config.security().serverTls(), service, health, auth);
    try {
      grpc = server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("port: cannot bind " + config.host() + ":" + config.port(), e);
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

  /**
   * Waits (at most {@link #RUNNING_WAIT}) for the ledger to restore its stores, so that an open
   * gRPC port means ready. A restore that takes longer goes on in the background; the port opens
   * with health NOT_SERVING and queries UNAVAILABLE until it ends.
   */
  private void awaitLedger(LedgerStreams streams) {
    try {
      if (!streams.awaitRunning(RUNNING_WAIT)) {
        log.warn("ledger still restoring after {}; serving gRPC with health NOT_SERVING until it"
            + " is RUNNING", RUNNING_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the ledger started", e);
    }
  }

  /** The bound gRPC port. */
  public int port() {
    Server s = grpc;
    if (s == null) {
      throw new IllegalStateException("not started");
    }
    return s.getPort();
  }

  /** The bound HTTP port of {@code GET /metrics}. */
  public int metricsPort() {
    ManagementServer m = metrics;
    if (m == null) {
      throw new IllegalStateException("not started");
    }
    return m.port();
  }

  /** This server's own meter registry (never the global one). */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Waits until the ledger is RUNNING: its stores restored, health SERVING.
   *
   * @return false if {@code timeout} passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    LedgerStreams l = ledger;
    return l != null && l.awaitRunning(timeout);
  }

  /**
   * Shuts down gracefully, within about 30 s: health turns NOT_SERVING, watch streams end with
   * UNAVAILABLE, the gRPC server stops accepting and lets in-flight calls finish (5 s, then
   * cancels them), then the metrics listener, the events feed, the ledger (committing its last
   * transaction and writing checkpoints) and the retry producer stop. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
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
    ManagementServer m = metrics;
    if (m != null) {
      m.close();
    }
    Peers p = peers;
    if (p != null) {
      p.close();
    }
    DeliveryEventsFeed f = feed;
    if (f != null) {
      f.close();
    }
    KafkaStreamsMetrics km = streamsMetrics;
    if (km != null) {
      km.close();
    }
    LedgerStreams l = ledger;
    if (l != null) {
      l.close();
    }
    ResultRepublisher r = republisher;
    if (r != null) {
      r.close();
    }
    grpcExecutor.shutdownNow();
    gcMetrics.close();
    registry.close();
    log.info("admin-api stopped");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static java.util.logging.Logger quietGrpcConnections() {
    java.util.logging.Logger connections = java.util.logging.Logger.getLogger(
        "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections");
    connections.setLevel(java.util.logging.Level.WARNING);
    return connections;
  }
}
