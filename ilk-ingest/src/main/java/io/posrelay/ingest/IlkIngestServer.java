package io.posrelay.ingest;

import static io.posrelay.ingest.IngestKeys.ILK_SECRETS;
import static io.posrelay.ingest.IngestKeys.ILK_SECRET_FILE;
import static io.posrelay.ingest.IngestKeys.MANAGEMENT_PORT;
import static io.posrelay.ingest.IngestKeys.MAX_IN_FLIGHT_PUBLISHES;
import static io.posrelay.ingest.IngestKeys.PORT;
import static io.posrelay.ingest.IngestKeys.PUBLISH_TIMEOUT;
import static io.posrelay.ingest.IngestKeys.READY_KAFKA_WINDOW;
import static io.posrelay.ingest.IngestKeys.SHUTDOWN_TIMEOUT;
import static io.posrelay.runtime.config.ListenerKeys.HOST;
import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;
import static io.posrelay.runtime.kafka.KafkaKeys.RESULTS_TOPIC;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.ingest.http.IlkIngestChannelInitializer;
import io.posrelay.ingest.kafka.KafkaContact;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.management.Health;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.runtime.management.ServiceMetrics;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.v1.PaymentResult;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ilk-ingest: the webhook ILK posts callbacks to ({@code POST /ilk/v1/results}, HTTP or
 * HTTPS on {@code port}), the producer that stores each {@code PaymentResult} in Kafka ({@code
 * topic.results}), and the management listener ({@code GET /metrics} on {@code management.port},
 * never on the webhook's port). Start with {@link #start}; stop with {@link #close}. Configured
 * by the keys of {@link IngestKeys#SPEC}.
 *
 * <p>{@link #start} checks that the results topic exists before it creates the producer, and
 * binds the webhook's port last, so an open port means ready. Kafka may become unreachable later:
 * callbacks are then answered 503 until it is back, and {@code GET /health/ready} answers 503
 * once Kafka has not answered for {@code ready.kafka-window.ms} ({@link KafkaContact}). Uses
 * epoll when available, else NIO.
 *
 * <p>Thread-safe. Each server owns its own meter registry, so several can run in one JVM.
 */
public final class IlkIngestServer implements ServiceLauncher.RunningService {

  private static final Logger log = LoggerFactory.getLogger(IlkIngestServer.class);
  private static final String SERVICE = IngestKeys.SPEC.service();

  private final ServiceConfig config;
  private final Optional<RotatingSecrets> ilkSecrets;
  private final @Nullable SslContext tls;
  private final Producer<String, PaymentResult> producer;
  private final ServiceMetrics metrics = new ServiceMetrics();
  private final PrometheusMeterRegistry registry = metrics.registry();
  private final KafkaClientMetrics producerMetrics;
  private final IngestMeters meters;
  private final PaymentResultPublisher publisher;
  private final ThreadPoolExecutor sendExecutor;
  private final EventLoopGroup acceptGroup;
  private final EventLoopGroup ioGroup;
  private final ChannelGroup connections;
  private final Health health = new Health(SERVICE);
  private final KafkaContact kafkaContact;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable ManagementServer management;
  private volatile @Nullable Channel serverChannel;

  private IlkIngestServer(ServiceConfig config, Optional<RotatingSecrets> ilkSecrets,
      @Nullable SslContext tls, Producer<String, PaymentResult> producer,
      KafkaContact.Probe probe, long kafkaAnsweredNanos) {
    this.config = config;
    this.ilkSecrets = ilkSecrets;
    this.tls = tls;
    this.producer = producer;
    meters = new IngestMeters(registry, config.get(PUBLISH_TIMEOUT));
    producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);

    int maxInFlight = config.get(MAX_IN_FLIGHT_PUBLISHES);
    sendExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(maxInFlight + 1),
        new DefaultThreadFactory("ilk-ingest-publish", true));
    publisher = new PaymentResultPublisher(producer, config.get(RESULTS_TOPIC), sendExecutor,
        maxInFlight, meters);
    connections = new DefaultChannelGroup("ilk-ingest-connections", GlobalEventExecutor.INSTANCE);
    meters.connectionsGauge(connections::size);

    IoHandlerFactory io =
        Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    acceptGroup =
        new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ilk-ingest-accept"), io);
    ioGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("ilk-ingest-io"), io);

    kafkaContact = new KafkaContact(probe, publisher::lastAckNanos, config.get(READY_KAFKA_WINDOW),
        kafkaAnsweredNanos, System::nanoTime, "ilk-ingest-kafka-probe");
    // Liveness never asks Kafka (nor the send executor, which waits on it): an outage must not
    // make the orchestrator restart ingest.
    health.liveness("webhook-accept-loop", acceptGroup).liveness("webhook-event-loops", ioGroup)
        .readiness("webhook-listener", this::listenerStatus)
        .readiness("kafka", kafkaContact::status)
        .bindTo(registry);
  }

  private Health.Status listenerStatus() {
    Channel channel = serverChannel;
    if (channel == null) {
      return Health.Status.down("not bound yet");
    }
    return channel.isActive() ? Health.Status.up("listening on " + channel.localAddress() + ", "
        + connections.size() + " connection(s)") : Health.Status.down("closed");
  }

  /**
   * Starts ilk-ingest: loads the ILK secrets and the TLS files, checks that the results topic
   * exists, creates the results producer, binds the management listener and then the webhook.
   *
   * @param config the service's configuration ({@link IngestKeys#SPEC})
   * @return the running server, its ports bound
   * @throws InvalidConfigException if the secrets or TLS files became unusable since the
   *     configuration was checked (the launcher exits 2)
   * @throws IllegalStateException naming the results topic if it does not exist, or the key of a
   *     port that cannot be bound
   * @throws java.util.concurrent.TimeoutException if Kafka does not answer the topic check in
   *     time
   * @throws org.apache.kafka.common.KafkaException if Kafka refuses the service's credentials or
   *     its producer properties
   * @throws InterruptedException if interrupted while checking the topic
   */
  public static IlkIngestServer start(ServiceConfig config) throws Exception {
    return start(config, IngestKafka.KAFKA);
  }

  /** {@link #start(ServiceConfig)} with the given Kafka clients. */
  static IlkIngestServer start(ServiceConfig config, IngestKafka kafka) throws Exception {
    Optional<RotatingSecrets> secrets = ListenerKeys.secrets(config, ILK_SECRET_FILE,
        ILK_SECRETS, RotatingSecrets.Rule.HMAC_SECRET);
    SslContext tls = WebhookSetup.tls(config);
    kafka.checkTopics(config);
    long kafkaAnswered = System.nanoTime();
    Producer<String, PaymentResult> producer = kafka.resultsProducer(config);
    KafkaContact.Probe probe;
    try {
      probe = kafka.kafkaProbe(config);
    } catch (RuntimeException | Error e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    IlkIngestServer server;
    try {
      server = new IlkIngestServer(config, secrets, tls, producer, probe, kafkaAnswered);
    } catch (RuntimeException | Error e) {
      producer.close(Duration.ZERO);
      probe.close();
      throw e;
    }
    try {
      server.bind();
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    server.publisher.warmUp();
    server.kafkaContact.start();
    return server;
  }

  private void bind() {
    management = ManagementServer.start(SERVICE, config.get(HOST), config.get(MANAGEMENT_PORT),
        MANAGEMENT_PORT.name(), registry, health);
    Class<? extends ServerChannel> channelType =
        Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptGroup, ioGroup)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(32 * 1024, 128 * 1024))
        .childHandler(new IlkIngestChannelInitializer(WebhookSetup.settings(config, ilkSecrets),
            tls, Clock.systemUTC(), publisher, meters, connections));
    String host = config.get(HOST);
    int port = config.get(PORT);
    try {
      serverChannel = bootstrap.bind(host, port).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + PORT.name(), e);
    } catch (Exception e) { // Netty rethrows the bind failure, e.g. a BindException
      throw new IllegalStateException(
          PORT.name() + ": cannot bind " + host + ":" + port + " (" + e + ")", e);
    }
    log.info("ilk-ingest listening on {}:{} ({}, {}, signatures {}), producing to {} at {}",
        host, port(), Epoll.isAvailable() ? "epoll" : "nio", tls == null ? "http" : "https",
        signatures(), config.get(RESULTS_TOPIC), config.get(BOOTSTRAP_SERVERS));
    if (ilkSecrets.isEmpty()) {
      log.warn("ILK callback signatures are NOT checked (no {} or {}): anyone who can reach "
          + "port {} can submit payment results", ILK_SECRET_FILE.flag(), ILK_SECRETS.env(),
          port());
    }
  }

  private String signatures() {
    return ilkSecrets.map(s -> "checked, " + s.size() + " secret(s)").orElse("OFF");
  }

  /** The configuration this server runs with. */
  public ServiceConfig config() {
    return config;
  }

  /**
   * Where the server listens, for the log once it is ready: {@code "ilk-ingest ready: POST
   * https://0.0.0.0:8080/ilk/v1/results, metrics http://0.0.0.0:9180/metrics, kafka …"}.
   */
  @Override
  public String readyLine() {
    String host = config.get(HOST);
    return SERVICE + " ready: POST " + (tls == null ? "http" : "https") + "://" + host + ":"
        + port() + "/ilk/v1/results, metrics http://" + host + ":" + managementPort()
        + "/metrics, kafka " + config.get(BOOTSTRAP_SERVERS) + " topic "
        + config.get(RESULTS_TOPIC) + ", signatures " + signatures();
  }

  /**
   * The webhook's bound port (the actual one when configured with 0).
   *
   * @throws IllegalStateException if the server did not start
   */
  public int port() {
    Channel channel = serverChannel;
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /**
   * The management listener's bound port, which serves {@code GET /metrics} (the actual one when
   * configured with 0).
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

  /** This server's own registry, served at {@code GET /metrics} on {@link #managementPort}. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * This server's liveness and readiness, as served on {@code /health/live} and {@code
   * /health/ready}: readiness components {@code webhook-listener} and {@code kafka} ({@link
   * KafkaContact}); liveness components {@code webhook-accept-loop} and {@code
   * webhook-event-loops}.
   */
  public Health health() {
    return health;
  }

  /**
   * Shuts down gracefully: stops accepting connections, answers new callbacks 503, waits for the
   * results in flight to be acked (their callers get their answers), flushes and closes the
   * producer, then closes connections, event loops and the management listener. Bounded by
   * {@code shutdown-timeout.ms} (plus up to 2 s for the event loops). Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    health.stopping();
    long deadline = System.nanoTime() + config.get(SHUTDOWN_TIMEOUT).toNanos();
    Channel server = serverChannel;
    if (server != null) {
      server.close().awaitUninterruptibly(remaining(deadline).toMillis());
    }
    publisher.stopAccepting();
    try {
      if (!publisher.awaitNoneInFlight(remaining(deadline))) {
        log.warn("closing with {} results still awaiting Kafka acks; ILK gets 503 and retries",
            publisher.inFlight());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      producer.close(remaining(deadline));
    } catch (RuntimeException e) {
      log.warn("error closing the Kafka producer: {}", e.toString());
    }
    sendExecutor.shutdownNow();
    connections.close().awaitUninterruptibly(Math.max(1, remaining(deadline).toMillis()));
    acceptGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    acceptGroup.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    ioGroup.terminationFuture().awaitUninterruptibly(2, TimeUnit.SECONDS);
    ManagementServer listener = management;
    if (listener != null) {
      listener.close();
    }
    kafkaContact.close();
    producerMetrics.close();
    metrics.close();
    log.info("ilk-ingest closed");
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }
}
