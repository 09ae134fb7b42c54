package io.posrelay.testkit.ilk;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.runtime.tls.PemTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP/1.1 client of {@link IlkSimulator}: Netty on one event-loop thread (epoll where
 * available), keep-alive connections from a {@link FixedChannelPool} of at most {@code
 * max-in-flight}, one request at a time on a connection (no pipelining). A connection that
 * answered {@code Connection: close}, failed or timed out is closed, not reused.
 *
 * <p>One thread is enough for the rates a simulator offers and keeps the pool, its connections and
 * every request's state on one thread, with no hand-over between threads. {@link #send} may be
 * called from any thread; every {@link Outcome} is called on the I/O thread. {@link #close}
 * releases the pool and the thread.
 */
final class IlkSimClient implements AutoCloseable {

  /** What became of one request: exactly one method is called, on the I/O thread. */
  interface Outcome {
    /**
     * A full response arrived.
     *
     * @param status the HTTP status code
     * @param content the body, at most {@link #MAX_RESPONSE_BYTES}; released after this returns
     */
    void onResponse(int status, ByteBuf content);

    /** No usable response: connect, TLS or write failure, closed connection, or timeout. */
    void onFailure(Throwable cause);
  }

  /** The largest response body read (a 202 is ~100 bytes); a larger one fails the request. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  /** The prefix of the I/O thread's name. */
  static final String THREAD_NAME = "ilk-sim-io";
  private static final int CONNECT_TIMEOUT_MILLIS = 3_000;

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final FixedChannelPool pool;
  private final String hostHeader;
  private final String target;
  private final long requestTimeoutNanos;

  /**
   * Creates the I/O thread's group and the pool; connects on the first request.
   *
   * @param config validated configuration
   * @throws IllegalStateException if the JDK has no default TLS context (https without a CA file)
   */
  IlkSimClient(IlkSimulatorConfig config) {
    URI url = config.url();
    boolean https = "https".equals(url.getScheme());
    int port = url.getPort() == -1 ? (https ? 443 : 80) : url.getPort();
    String host = url.getHost();
    hostHeader = url.getPort() == -1 ? host : host + ":" + port;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    requestTimeoutNanos = config.requestTimeout().toNanos();
    // The URI keeps an IPv6 literal's brackets; the socket address must not.
    String socketHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    @Nullable SslContext tls = https ? sslContext(config.sslContext()) : null;

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true), io);
    loop = group.next();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        // Unresolved: resolved at each connect, as the JDK client did.
        .remoteAddress(InetSocketAddress.createUnresolved(socketHost, port));
    int maxConnections = config.maxInFlight();
    pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        if (tls != null) {
          ch.pipeline().addLast("tls", tlsHandler(tls, ch, socketHost, port));
        }
        ch.pipeline().addLast("http", new HttpClientCodec())
            .addLast("aggregator", new HttpObjectAggregator(MAX_RESPONSE_BYTES))
            .addLast("exchange", new IlkSimChannelHandler());
      }
    }, ChannelHealthChecker.ACTIVE, null, -1, maxConnections, maxConnections, true, true);
  }

  /**
   * Posts {@code body}; the outcome follows on the I/O thread within the request timeout.
   *
   * @param body the JSON callback, not copied: must not change afterwards
   * @param timestamp the {@code X-ILK-Timestamp} value, or null for an unsigned callback
   * @param signature the {@code X-ILK-Signature} value, or null for an unsigned callback
   */
  void send(byte[] body, @Nullable String timestamp, @Nullable String signature, Outcome outcome) {
    FullHttpRequest request = new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, HttpMethod.POST, target, Unpooled.wrappedBuffer(body));
    HttpHeaders headers = request.headers()
        .set(HttpHeaderNames.HOST, hostHeader)
        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    if (timestamp != null && signature != null) {
      headers.set(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .set(IlkSignatures.SIGNATURE_HEADER, signature);
    }
    IlkSimExchange exchange = new IlkSimExchange(pool, request, outcome);
    try {
      loop.execute(() -> exchange.start(loop, requestTimeoutNanos));
    } catch (RejectedExecutionException e) {
      request.release();
      outcome.onFailure(e);
    }
  }

  /** Closes the pool and every connection, and stops the I/O thread (waits up to 5 s). */
  @Override
  public void close() {
    pool.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * The JDK context (the CA file's, or the JDK's default trust) as Netty's, with the JDK's default
   * cipher suites and {@link PemTls#PROTOCOLS} (TLS 1.3 and 1.2) only.
   */
  private static SslContext sslContext(@Nullable SSLContext configured) {
    SSLContext context;
    try {
      context = configured != null ? configured : SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no default TLS context", e);
    }
    return new JdkSslContext(context, true,
        Arrays.asList(context.getDefaultSSLParameters().getCipherSuites()),
        IdentityCipherSuiteFilter.INSTANCE, ApplicationProtocolConfig.DISABLED, ClientAuth.NONE,
        PemTls.PROTOCOLS.toArray(String[]::new), false);
  }

  /** A TLS handler that checks the server's certificate against the url's host (HTTPS rules). */
  private static SslHandler tlsHandler(SslContext tls, Channel ch, String host, int port) {
    SslHandler handler = tls.newHandler(ch.alloc(), host, port);
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setEndpointIdentificationAlgorithm("HTTPS");
    engine.setSSLParameters(parameters);
    return handler;
  }
}
