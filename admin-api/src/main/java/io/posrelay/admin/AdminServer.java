package io.posrelay.admin;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.admin.grpc.AdminServices;
import io.posrelay.admin.ledger.DeliveryLedger;
import io.posrelay.admin.ledger.LedgerConsumer;
import io.posrelay.admin.metrics.MetricsHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running admin-api: the ledger consumer, the deadline ticker, {@code GET /metrics} and the gRPC
 * server. {@link #start} connects to Kafka first and binds the listeners last. gRPC health reports
 * NOT_SERVING until the ledger consumer has replayed both topics up to the end offsets it saw at
 * start, then SERVING. Deadlines are not enforced while replaying, so a result whose claim simply
 * comes later in the replay is not failed. Thread-safe.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEADLINE_TICK = Duration.ofMillis(100);
  private static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024;
  private static final int GRPC_QUEUE = 256;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final HealthStatusManager health = new HealthStatusManager();
  private final DeliveryLedger ledger;
  private final LedgerConsumer consumer;
  private final ScheduledExecutorService ticker;
  private final ThreadPoolExecutor grpcExecutor;
  private @Nullable MetricsHttpServer metrics;
  private @Nullable Server grpc;

  private AdminServer(AdminConfig config) {
    AdminServices.setServing(health, false);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    ledger =
        new DeliveryLedger(
            Clock.systemUTC(),
            config.claimDeadline(),
            config.ackTimeout(),
            config.maxRecords(),
            registry);
    consumer =
        LedgerConsumer.create(
            config.kafkaBootstrap(),
            ledger,
            registry,
            new LedgerConsumer.Listener() {
              @Override
              public void caughtUp() {
                if (!closed.get()) {
                  AdminServices.setServing(health, true);
                }
              }

              @Override
              public void failed(Throwable cause) {
                AdminServices.setServing(health, false);
              }
            });
    ticker =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "posrelay-ledger-deadlines"));
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
   * Starts admin-api: connects the ledger consumer (replaying both topics from the beginning),
   * starts the deadline ticker, then binds {@code GET /metrics} and the gRPC server.
   *
   * @throws org.apache.kafka.common.KafkaException if Kafka cannot be reached within 30 s
   * @throws UncheckedIOException if a port cannot be bound
   */
  public static AdminServer start(AdminConfig config) {
    AdminServer server = new AdminServer(config);
    try {
      server.startComponents(config);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void startComponents(AdminConfig config) {
    consumer.start(KAFKA_START_TIMEOUT);
    ticker.scheduleWithFixedDelay(
        this::tick, DEADLINE_TICK.toMillis(), DEADLINE_TICK.toMillis(), TimeUnit.MILLISECONDS);
    metrics = MetricsHttpServer.start(config.host(), config.metricsPort(), registry);
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
            .executor(grpcExecutor)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(8 * 1024)
            .maxConcurrentCallsPerConnection(100)
            .maxConnectionIdle(5, TimeUnit.MINUTES)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    try {
      grpc = AdminServices.addTo(builder, ledger, health).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("port: cannot bind " + config.host() + ":" + config.port(), e);
    }
    log.info("admin-api started: {}", config);
  }

  private void tick() {
    try {
      if (consumer.isCaughtUp()) {
        ledger.expireDue();
      }
    } catch (RuntimeException e) {
      log.error("deadline check failed; retrying on the next tick", e);
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
    MetricsHttpServer m = metrics;
    if (m == null) {
      throw new IllegalStateException("not started");
    }
    return m.port();
  }

  /** This server's own meter registry (never the global one). */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /** The in-memory ledger this server serves. */
  public DeliveryLedger ledger() {
    return ledger;
  }

  /**
   * Waits until the ledger has replayed both topics up to the end offsets seen at start (when
   * health turns SERVING).
   *
   * @return false if {@code timeout} passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return consumer.awaitCaughtUp(timeout);
  }

  /**
   * Shuts down gracefully, within about 10 s: health turns NOT_SERVING, the gRPC server stops
   * accepting and lets in-flight calls finish (5 s, then cancels them), then the metrics
   * listener, the deadline ticker and the Kafka consumer stop. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.enterTerminalState();
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
    MetricsHttpServer m = metrics;
    if (m != null) {
      m.close();
    }
    ticker.shutdownNow();
    consumer.close();
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
}
