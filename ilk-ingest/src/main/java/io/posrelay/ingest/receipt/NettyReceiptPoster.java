package io.posrelay.ingest.receipt;

import io.netty.bootstrap.Bootstrap;
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
import io.netty.handler.codec.http.HttpMethod;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * Posts receipts over Netty HTTP/1.1 on one daemon I/O thread of its own ({@code
 * ilk-receipts-http}; epoll where available), never on the webhook's event loops: keep-alive
 * connections from a pool of at most {@value #MAX_CONNECTIONS}, one request at a time on a
 * connection, each POST with the deadline {@code timeout} (connecting and the TLS handshake
 * included). A connection that answered {@code Connection: close}, failed or timed out is closed,
 * not reused. https checks ILK's certificate against the JDK's trust store and the url's host.
 * Each attempt is signed when it is sent, as ILK signs its callbacks (docs/ilk-webhook.md): a
 * retry a day later carries a fresh timestamp.
 *
 * <pre>
 * POST {url}
 * Host: {url's host[:port]}
 * Content-Type: application/json
 * Content-Length: {body bytes}
 * Idempotency-Key: {receiptId}
 * X-ILK-Timestamp: 1795924801
 * X-ILK-Signature: v1=&lt;HMAC-SHA256(secret, timestamp + "." + body), 64 hex&gt;
 * </pre>
 *
 * The answer's body is read and discarded; its status and {@code Retry-After} make the {@link
 * SendOutcome}. Thread-safe; outcomes complete on the I/O thread.
 */
public final class NettyReceiptPoster implements ReceiptPoster {
  /** The header ILK deduplicates receipts by: {@value}. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  /**
   * The most connections to ILK at once: {@value}. The sender has at most one receipt in flight
   * per assigned partition, so this is rarely reached; beyond it POSTs wait for a connection.
   */
  static final int MAX_CONNECTIONS = 64;
  /** The most POSTs waiting for a connection: {@value}; more are a {@link SendOutcome.Retry}. */
  static final int MAX_PENDING_ACQUIRES = 4096;
  static final String THREAD_NAME = "ilk-receipts-http";

  private final String hostHeader;
  private final String target;
  private final long timeoutNanos;
  private final Supplier<byte[]> signingKey;
  private final Clock clock;
  private final EventLoopGroup group;
  private final EventLoop loop;
  private final FixedChannelPool pool;
  /** Keyed with the last key {@code signingKey} gave; replaced when the secret changes. */
  private volatile IlkSignatures.@Nullable Signer signer;

  /**
   * Creates the I/O thread and the pool; connects on the first POST.
   *
   * @param url ILK's receipt endpoint, http or https (the JDK's trust store checks https)
   * @param timeout each POST's deadline, connecting included
   * @param signingKey the current receipt secret's bytes, asked at each attempt
   * @param clock the signing clock
   * @throws IllegalStateException if the JDK has no default TLS context (https only)
   */
  public NettyReceiptPoster(URI url, Duration timeout, Supplier<byte[]> signingKey,
      Clock clock) {
    this.signingKey = signingKey;
    this.clock = clock;
    boolean https = "https".equalsIgnoreCase(url.getScheme());
    int port = url.getPort() == -1 ? (https ? 443 : 80) : url.getPort();
    String host = url.getHost();
    hostHeader = url.getPort() == -1 ? host : host + ":" + port;
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    timeoutNanos = timeout.toNanos();
    // The URI keeps an IPv6 literal's brackets; the socket address must not.
    String socketHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    @Nullable SslContext tls = https ? defaultTls() : null;

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(THREAD_NAME, true), io);
    loop = group.next();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis())))
        // Unresolved: resolved at each connect, so a changed DNS record is followed.
        .remoteAddress(InetSocketAddress.createUnresolved(socketHost, port));
    pool = new FixedChannelPool(bootstrap, new AbstractChannelPoolHandler() {
      @Override
      public void channelCreated(Channel ch) {
        if (tls != null) {
          ch.pipeline().addLast("tls", tlsHandler(tls, ch, socketHost, port));
        }
        ch.pipeline().addLast("http", new HttpClientCodec())
            .addLast("answer", new ReceiptConnectionHandler());
      }
    }, ChannelHealthChecker.ACTIVE, null, -1, MAX_CONNECTIONS, MAX_PENDING_ACQUIRES, true, true);
  }

  @Override
  public CompletableFuture<SendOutcome> post(Receipt receipt, byte[] body) {
    CompletableFuture<SendOutcome> outcome = new CompletableFuture<>();
    FullHttpRequest request;
    try {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target,
          Unpooled.wrappedBuffer(body));
      request.headers()
          .set(HttpHeaderNames.HOST, hostHeader)
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(IDEMPOTENCY_KEY, receipt.receiptId())
          .set(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .set(IlkSignatures.SIGNATURE_HEADER, signer().sign(timestamp, body));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(SendOutcome.ofFailure(e));
    }
    ReceiptExchange exchange = new ReceiptExchange(pool, request, outcome);
    try {
      loop.execute(() -> exchange.start(loop, timeoutNanos));
    } catch (RejectedExecutionException e) { // closed
      request.release();
      outcome.complete(SendOutcome.ofFailure(e));
    }
    return outcome;
  }

  /** The signer of the current key: made once per secret, not once per receipt. */
  private IlkSignatures.Signer signer() {
    byte[] key = signingKey.get();
    IlkSignatures.Signer current = signer;
    if (current == null || !current.hasKey(key)) {
      current = new IlkSignatures.Signer(key);
      signer = current;
    }
    return current;
  }

  /**
   * Closes the pool and every connection and stops the I/O thread (waits up to 5 s); a POST in
   * flight then completes as a {@link SendOutcome.Retry} (its connection closed).
   */
  @Override
  public void close() {
    try {
      pool.close();
    } catch (RuntimeException e) {
      // already closed
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  /**
   * The JDK's default TLS context (its trust store) as Netty's, with the JDK's default cipher
   * suites and {@link PemTls#PROTOCOLS} (TLS 1.3 and 1.2) only.
   */
  private static SslContext defaultTls() {
    SSLContext context;
    try {
      context = SSLContext.getDefault();
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
