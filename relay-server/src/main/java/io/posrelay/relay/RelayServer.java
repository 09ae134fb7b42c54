package io.posrelay.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.relay.delivery.AckedResults;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.FailedDeliveryWatcher;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.delivery.UndeliveredResults;
import io.posrelay.relay.grpc.GrpcUndeliveredResults;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.metrics.MetricsHttpInitializer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.ConnectionLimitHandler;
import io.posrelay.relay.pos.PosChannelInitializer;
import io.posrelay.relay.pos.PosSessionHandler;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running relay node: the POS TCP listener, the broadcast results and sessions consumers (and,
 * with recovery on, the delivery-events consumer that triggers redelivery), the
 * claims and sessions producers, the admin-api client for recovery on reconnect, and the metrics
 * HTTP listener. Start with {@link #start}; stop with {@link #close}.
 *
 * <p>Thread-safe. Each server owns its own {@link PrometheusMeterRegistry}, so several can run in
 * one JVM.
 */
public final class RelayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(5);
  /** Deadline of each ListDeliveries page asked for during recovery. */
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(3);
  private static final int RECOVERY_MAX_PAGES = 20;
  private static final Duration RECOVERY_FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration RECOVERY_MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration RECOVERY_FOLLOW_UP_MARGIN = Duration.ofSeconds(1);

  private final RelayConfig config;
  private final PrometheusMeterRegistry meterRegistry;
  private final Deque<AutoCloseable> binders = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ChannelGroup posChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private @Nullable EventLoopGroup bossGroup;
  private @Nullable EventLoopGroup workerGroup;
  private @Nullable ClaimPublisher claims;
  private @Nullable SessionPublisher sessionPublisher;
  private @Nullable BroadcastConsumer<PaymentResult> results;
  private @Nullable BroadcastConsumer<TerminalSession> sessions;
  private @Nullable BroadcastConsumer<DeliveryEvent> deliveryEvents;
  private @Nullable AutoCloseable undelivered;
  private @Nullable DeliveryTracker tracker;
  private @Nullable Channel metricsChannel;
  private @Nullable Channel posChannel;

  private RelayServer(RelayConfig config) {
    this.config = config;
    this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * Starts a node: creates the claims and sessions producers, assigns every partition of the
   * results and sessions topics and resolves its end offset, then binds the metrics and POS
   * listeners, the POS listener last — an open POS port means ready, and any result or session
   * produced after this returns is seen. admin-api need not be up: recovery retries.
   *
   * @param config the node's configuration
   * @return the running server
   * @throws org.apache.kafka.common.KafkaException if Kafka cannot be reached in time (subclass
   *     of {@link RuntimeException})
   * @throws IllegalStateException if a port cannot be bound (the cause says why)
   */
  public static RelayServer start(RelayConfig config) {
    return start(config, new KafkaRelayClients());
  }

  /** Where the server gets its Kafka-facing parts; tests substitute fakes. */
  interface KafkaClients {
    ClaimPublisher claims(RelayConfig config, RelayMeters meters, MeterRegistry registry);

    BroadcastConsumer<PaymentResult> results(RelayConfig config, ResultDispatcher dispatcher,
        RelayMeters meters, MeterRegistry registry);

    SessionPublisher sessionPublisher(RelayConfig config, RelayMeters meters,
        MeterRegistry registry);

    BroadcastConsumer<TerminalSession> sessions(RelayConfig config, SessionTakeover takeover,
        RelayMeters meters, MeterRegistry registry);

    BroadcastConsumer<DeliveryEvent> deliveryEvents(RelayConfig config,
        FailedDeliveryWatcher watcher, RelayMeters meters, MeterRegistry registry);
  }

  /** {@link #start(RelayConfig)} with the given Kafka clients. */
  static RelayServer start(RelayConfig config, KafkaClients clients) {
    RelayServer server = new RelayServer(config);
    try {
      server.doStart(clients);
      return server;
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
  }

  private void doStart(KafkaClients clients) {
    bindJvmMetrics();
    RelayMeters meters = new RelayMeters(meterRegistry);
    Clock clock = Clock.systemUTC();
    TerminalRegistry registry = new TerminalRegistry();
    meters.gauge(RelayMeters.TERMINALS_CONNECTED, "Terminals with a session on this node.",
        registry::size);
    ClaimPublisher publisher = clients.claims(config, meters, meterRegistry);
    claims = publisher;
    AckedResults acked =
        new AckedResults(config.dedupMaxEntries(), config.dedupTtl(), System::nanoTime);
    DeliveryTracker deliveries =
        new DeliveryTracker(config.nodeId(), registry, acked, publisher, meters,
            config.ackTimeout(), DeliveryTracker.claimDelayFor(config.claimDeadline()), clock,
            System::nanoTime);
    tracker = deliveries;
    SessionPublisher announcer = clients.sessionPublisher(config, meters, meterRegistry);
    sessionPublisher = announcer;
    BroadcastConsumer<PaymentResult> consumer =
        clients.results(config, deliveries, meters, meterRegistry);
    results = consumer;
    BroadcastConsumer<TerminalSession> sessionsConsumer = clients.sessions(config,
        new SessionTakeover(config.nodeId(), registry, meters), meters, meterRegistry);
    sessions = sessionsConsumer;
    consumer.start(KAFKA_START_TIMEOUT);
    sessionsConsumer.start(KAFKA_START_TIMEOUT);
    UndeliveredResults source = null;
    if (!config.adminAddress().isEmpty()) {
      GrpcUndeliveredResults grpc = GrpcUndeliveredResults.create(config.adminAddress(),
          config.adminToken(), config.adminTlsCaFile(), RECOVERY_DEADLINE, RECOVERY_MAX_PAGES);
      undelivered = grpc;
      source = grpc;
    }
    SessionRecovery recovery = new SessionRecovery(source, deliveries, meters, clock,
        config.claimDeadline(), config.maxConcurrentRecoveries(), RECOVERY_FIRST_BACKOFF,
        RECOVERY_MAX_BACKOFF,
        config.claimDeadline().plus(config.ackTimeout()).plus(RECOVERY_FOLLOW_UP_MARGIN),
        SessionRecovery::fullJitter);
    if (source != null) {
      BroadcastConsumer<DeliveryEvent> failures = clients.deliveryEvents(config,
          new FailedDeliveryWatcher(registry, recovery, meters.sessions()), meters,
          meterRegistry);
      deliveryEvents = failures;
      failures.start(KAFKA_START_TIMEOUT);
    }

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
    bossGroup = boss;
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0, io);
    workerGroup = workers;
    new NettyEventExecutorMetrics(workers).bindTo(meterRegistry);

    metricsChannel =
        bind(new ServerBootstrap().group(boss, workers).channel(channelType)
                .childHandler(new MetricsHttpInitializer(meterRegistry)),
            config.metricsPort(), "metrics-port");
    ConnectionLimitHandler limit = new ConnectionLimitHandler(config.maxConnections(), meters);
    PosChannelInitializer pos =
        new PosChannelInitializer(config.nodeId(), config.maxFrameBytes(),
            config.heartbeatInterval().toMillis(), posChannels, limit, registry, deliveries,
            announcer, recovery, config.writeStallTimeout(), meters, clock,
            PosListenerSetup.tls(config), config.helloTimeout(),
            PosListenerSetup.authenticator(config, meters));
    ServerBootstrap posBootstrap = new ServerBootstrap();
    if (epoll) {
      PosListenerSetup.keepAliveWithinHeartbeats(posBootstrap, config.heartbeatInterval());
    }
    posChannel =
        bind(posBootstrap.group(boss, workers).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                    new WriteBufferWaterMark(config.writeBufferLowBytes(),
                        config.writeBufferHighBytes()))
                .childHandler(pos),
            config.port(), "port");
    log.debug("relay node {} started on {} ({}): POS port {}, metrics port {}", config.nodeId(),
        config.host(), epoll ? "epoll" : "nio", port(), metricsPort());
  }

  private Channel bind(ServerBootstrap bootstrap, int port, String key) {
    try {
      return bootstrap.bind(config.host(), port).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + key, e);
    } catch (Exception e) { // Netty rethrows the bind failure, e.g. a BindException
      throw new IllegalStateException(
          key + ": cannot bind " + config.host() + ":" + port + " (" + e + ")", e);
    }
  }

  private void bindJvmMetrics() {
    new ClassLoaderMetrics().bindTo(meterRegistry);
    new JvmMemoryMetrics().bindTo(meterRegistry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(meterRegistry);
    binders.push(gc);
    new JvmThreadMetrics().bindTo(meterRegistry);
    new ProcessorMetrics().bindTo(meterRegistry);
    new UptimeMetrics().bindTo(meterRegistry);
  }

  /** The configuration this server runs with. */
  public RelayConfig config() {
    return config;
  }

  /**
   * The POS TCP port actually bound (the random one if configured as 0).
   *
   * @throws IllegalStateException if the server did not start
   */
  public int port() {
    return localPort(posChannel);
  }

  /**
   * The metrics HTTP port actually bound (the random one if configured as 0).
   *
   * @throws IllegalStateException if the server did not start
   */
  public int metricsPort() {
    return localPort(metricsChannel);
  }

  /** This server's own registry, also served at {@code GET /metrics} on {@link #metricsPort}. */
  public PrometheusMeterRegistry meterRegistry() {
    return meterRegistry;
  }

  private static int localPort(@Nullable Channel channel) {
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * Shuts the node down gracefully: stops accepting connections and reading results, gives
   * results in flight up to {@link RelayConfig#drainTimeout()} to be acked, then sends Error
   * CODE_SHUTTING_DOWN to every terminal and closes its connection (results still in flight are
   * claimed FAILED with NODE_SHUTDOWN), flushes the claims producer and stops the event loops.
   * Bounded in time (about drain timeout + 15 s at worst); idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      closeChannel(posChannel);
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
      if (deliveries != null && !deliveries.awaitNoneInFlight(config.drainTimeout())) {
        log.info("{} result(s) still in flight at shutdown; failing them with NODE_SHUTDOWN",
            deliveries.inFlight());
      }
      for (Channel ch : posChannels) {
        ch.pipeline().fireUserEventTriggered(PosSessionHandler.SHUTTING_DOWN);
      }
      posChannels.newCloseFuture().await(STEP_TIMEOUT.toMillis());
      posChannels.close().await(STEP_TIMEOUT.toMillis());
      if (deliveries != null) {
        deliveries.awaitNoneInFlight(Duration.ofSeconds(1)); // channelInactive runs after close
      }
      closeChannel(metricsChannel);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      while (!binders.isEmpty()) {
        closeQuietly(binders.pop());
      }
      if (claims != null) {
        claims.close(STEP_TIMEOUT);
      }
      if (sessionPublisher != null) {
        sessionPublisher.close(STEP_TIMEOUT);
      }
      if (undelivered != null) {
        closeQuietly(undelivered);
      }
      shutdown(workerGroup);
      shutdown(bossGroup);
      meterRegistry.close();
    }
  }

  private static void closeChannel(@Nullable Channel channel) throws InterruptedException {
    if (channel != null) {
      channel.close().await(STEP_TIMEOUT.toMillis());
    }
  }

  private static void shutdown(@Nullable EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
    }
  }
}
