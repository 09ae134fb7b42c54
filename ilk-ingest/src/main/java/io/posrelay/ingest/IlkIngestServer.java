package io.posrelay.ingest;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.ingest.http.IlkIngestChannelInitializer;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.signature.IlkSecrets;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ilk-ingest HTTP server: ILK callbacks in ({@code POST /ilk/v1/results}), {@code
 * PaymentResult}s out to Kafka, Prometheus metrics on the same port ({@code GET /metrics}).
 *
 * <p>{@link #start} creates the Kafka producer first and binds the port last, so an open port means
 * ready. The broker does not have to be reachable at start: until it is, callbacks are answered
 * 503. Uses epoll when available, else NIO. Thread-safe.
 */
public final class IlkIngestServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(IlkIngestServer.class);
  private static final int LINGER_MS = 1;

  private final IlkIngestConfig config;
  private final Producer<String, PaymentResult> producer;
  private final PrometheusMeterRegistry registry;
  private final IngestMeters meters;
  private final PaymentResultPublisher publisher;
  private final ThreadPoolExecutor sendExecutor;
  private final EventLoopGroup acceptGroup;
  private final EventLoopGroup ioGroup;
  private final ChannelGroup connections;
  private final AutoCloseable[] binders;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Channel serverChannel;

  private IlkIngestServer(IlkIngestConfig config, Producer<String, PaymentResult> producer,
      PrometheusMeterRegistry registry) {
    this.config = config;
    this.producer = producer;
    this.registry = registry;
    meters = new IngestMeters(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    KafkaClientMetrics kafka = new KafkaClientMetrics(producer);
    binders = new AutoCloseable[] {gc, kafka};
    gc.bindTo(registry);
    kafka.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    sendExecutor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(config.maxInFlightPublishes() + 1),
        new DefaultThreadFactory("ilk-ingest-publish", true));
    publisher = new PaymentResultPublisher(producer, config.resultsTopic(), sendExecutor,
        config.maxInFlightPublishes(), meters);
    connections = new DefaultChannelGroup("ilk-ingest-connections", GlobalEventExecutor.INSTANCE);
    meters.connectionsGauge(connections::size);

    IoHandlerFactory io = Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("ilk-ingest-accept"), io);
    ioGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("ilk-ingest-io"), io);
  }

  /**
   * Starts a server with a {@code KafkaProducer} (acks=all, idempotent) and a new Prometheus
   * registry.
   *
   * @param config validated configuration
   * @return the running server; the port is bound
   * @throws org.apache.kafka.common.KafkaException if the producer cannot be created (bad producer
   *     properties, unresolvable bootstrap host)
   * @throws IllegalStateException if the port cannot be bound (cause: the bind exception)
   */
  public static IlkIngestServer start(IlkIngestConfig config) {
    KafkaProducer<String, PaymentResult> producer = new KafkaProducer<>(producerProperties(config),
        new StringSerializer(), new ProtobufSerializer<PaymentResult>());
    IlkIngestServer server =
        start(config, producer, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    server.publisher.warmUp();
    return server;
  }

  /** Starts with the given producer and registry (tests pass a {@code MockProducer}). */
  static IlkIngestServer start(IlkIngestConfig config, Producer<String, PaymentResult> producer,
      PrometheusMeterRegistry registry) {
    IlkIngestServer server = new IlkIngestServer(config, producer, registry);
    try {
      server.bind();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /**
   * The producer properties: {@code acks=all}, idempotence on, {@code linger.ms=1}, and timeouts
   * derived from the publish timeout so that a send fails within it ({@code max.block.ms}, {@code
   * delivery.timeout.ms} = publish timeout; {@code request.timeout.ms} = publish timeout − linger).
   */
  static Map<String, Object> producerProperties(IlkIngestConfig config) {
    long publishMs = config.publishTimeout().toMillis();
    Map<String, Object> props = new HashMap<>(config.producerOverrides());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ilk-ingest");
    props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, publishMs);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publishMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) publishMs - LINGER_MS);
    return props;
  }

  private void bind() {
    Class<? extends ServerChannel> channelType =
        Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptGroup, ioGroup)
        .channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(32 * 1024, 128 * 1024))
        .childHandler(new IlkIngestChannelInitializer(config, config.sslContext(),
            Clock.systemUTC(), publisher, meters, registry, connections));
    try {
      serverChannel = bootstrap.bind(config.host(), config.port()).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot bind " + config.host() + ":" + config.port() + ": " + e, e);
    }
    log.info("ilk-ingest listening on {}:{} ({}, {}, signatures {}), producing to {} at {}",
        config.host(), port(), Epoll.isAvailable() ? "epoll" : "nio",
        config.sslContext() == null ? "http" : "https",
        config.signingSecrets().map(s -> "checked, " + s.size() + " secret(s)").orElse("OFF"),
        config.resultsTopic(), config.kafkaBootstrap());
    if (config.signingSecrets().isEmpty()) {
      log.warn("ILK callback signatures are NOT checked (no {} or {}): anyone who can reach "
          + "port {} can submit payment results", IlkSecrets.FILE_FLAG, IlkSecrets.ENV, port());
    }
  }

  /** The bound HTTP port (the actual one when configured with 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** This server's own registry; {@code GET /metrics} serves its scrape. */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Shuts down gracefully: stops accepting connections, answers new callbacks 503, waits for the
   * results in flight to be acked (their callers get their answers), flushes and closes the
   * producer, then closes connections and event loops. Bounded by {@code shutdown-timeout.ms}
   * (plus up to 1 s for the event loops). Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
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
    for (AutoCloseable binder : binders) {
      try {
        binder.close();
      } catch (Exception e) {
        log.debug("error closing a meter binder: {}", e.toString());
      }
    }
    registry.close();
    log.info("ilk-ingest closed");
  }

  private static Duration remaining(long deadlineNanos) {
    return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
  }
}
