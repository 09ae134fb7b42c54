package io.posrelay.relay;

import static io.posrelay.relay.RelayKeys.HEARTBEAT_INTERVAL;
import static io.posrelay.relay.RelayKeys.PORT;
import static io.posrelay.relay.RelayKeys.WRITE_BUFFER_HIGH_BYTES;
import static io.posrelay.relay.RelayKeys.WRITE_BUFFER_LOW_BYTES;
import static io.posrelay.runtime.config.ListenerKeys.HOST;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.netty4.NettyEventExecutorMetrics;
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
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.posrelay.relay.pos.PosChannelInitializer;
import io.posrelay.relay.pos.PosSessionHandler;
import io.posrelay.runtime.config.ServiceConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A relay node's POS TCP listener, as {@link RelayServer} runs it: its accept loop and event
 * loops (epoll when available, else NIO), the server channel with its socket options and
 * write-buffer watermarks, and its shutdown in steps — stop accepting, then end every session
 * with CODE_SHUTTING_DOWN, then stop the loops. Thread-safe: the server channel is volatile, the
 * event loop groups and the connection group are.
 */
final class PosListener {
  private final boolean epoll = Epoll.isAvailable();
  private final ChannelGroup connections;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private volatile @Nullable Channel channel;

  /**
   * Starts the event loops, with their meters and health components (not bound yet).
   *
   * @param connections the open POS connections, which the pipeline adds each channel to
   */
  PosListener(ChannelGroup connections, MeterRegistry registry, RelayHealth health) {
    this.connections = connections;
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    boss = new MultiThreadIoEventLoopGroup(1, io);
    workers = new MultiThreadIoEventLoopGroup(0, io);
    new NettyEventExecutorMetrics(workers).bindTo(registry);
    health.posListener(() -> channel, connections, boss, workers);
  }

  /** Whether the loops are epoll ones (else NIO). */
  boolean epoll() {
    return epoll;
  }

  /**
   * Binds {@code port} on {@code host} with the POS pipeline.
   *
   * @throws IllegalStateException naming the {@code port} key if it cannot be bound
   */
  void bind(ServiceConfig config, PosChannelInitializer pipeline) {
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap = new ServerBootstrap();
    if (epoll) {
      PosListenerSetup.keepAliveWithinHeartbeats(bootstrap, config.get(HEARTBEAT_INTERVAL));
    }
    bootstrap.group(boss, workers).channel(channelType)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(config.get(WRITE_BUFFER_LOW_BYTES),
                config.get(WRITE_BUFFER_HIGH_BYTES)))
        .childHandler(pipeline);
    int port = config.get(PORT);
    try {
      channel = bootstrap.bind(config.get(HOST), port).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + PORT.name(), e);
    } catch (Exception e) { // Netty rethrows the bind failure, e.g. a BindException
      throw new IllegalStateException(
          PORT.name() + ": cannot bind " + config.get(HOST) + ":" + port + " (" + e + ")", e);
    }
  }

  /**
   * The bound port.
   *
   * @throws IllegalStateException if not bound
   */
  int port() {
    Channel bound = channel;
    if (bound == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) bound.localAddress()).getPort();
  }

  /** Closes the server channel, waiting at most {@code timeout}: no new connection. */
  void stopAccepting(Duration timeout) throws InterruptedException {
    Channel bound = channel;
    if (bound != null) {
      bound.close().await(timeout.toMillis());
    }
  }

  /**
   * Tells every session the node shuts down (each sends CODE_SHUTTING_DOWN and closes), then
   * closes what is still open; each step waits at most {@code timeout}.
   */
  void closeConnections(Duration timeout) throws InterruptedException {
    for (Channel ch : connections) {
      ch.pipeline().fireUserEventTriggered(PosSessionHandler.SHUTTING_DOWN);
    }
    connections.newCloseFuture().await(timeout.toMillis());
    connections.close().await(timeout.toMillis());
  }

  /** Stops the event loops, within about 3 s each. */
  void shutdownLoops() {
    shutdown(workers);
    shutdown(boss);
  }

  private static void shutdown(EventLoopGroup group) {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }
}
