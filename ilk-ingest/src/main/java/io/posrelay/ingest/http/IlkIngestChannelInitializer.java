package io.posrelay.ingest.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.posrelay.ingest.callback.IlkCallbackMapper;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.signature.CallbackSignatureVerifier;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Builds the pipeline of one accepted HTTP connection:
 *
 * <pre>
 * SslHandler (only with tls-cert-file/tls-key-file; handshake ≤ request-deadline.ms)
 * IdleStateHandler(reader idle = idle-timeout.ms) → IdleConnectionHandler (close)
 * RequestDeadlineHandler.firstByteWatcher() (first byte of a request starts the deadline)
 * HttpServerCodec (request line ≤ 4 KiB, headers ≤ 8 KiB)
 * RequestDeadlineHandler (last byte of a request ends it; passed → 408, close)
 * HttpServerKeepAliveHandler (Connection: keep-alive / close, HTTP/1.0 and 1.1)
 * BodyLimitingAggregator (FullHttpRequest; body > max-body-bytes → 413)
 * FlowControlHandler (holds pipelined requests while one awaits Kafka)
 * IngestRouteHandler (400 / 404 / 405 / 414 / 415 / 431; /metrics is 404 here)
 * CallbackSignatureHandler (only with secrets; bad signature → 401, before any parsing)
 * ResultsHandler (POST /ilk/v1/results → Kafka → 202 / 400 / 503)
 * </pre>
 *
 * Connections beyond {@code max-connections} are closed on accept.
 *
 * <p>One instance serves every connection of a server; Netty calls {@link #initChannel} on each
 * new connection's event loop. Thread-safe: its own state never changes after construction, and
 * {@code connections} is a thread-safe {@link ChannelGroup}.
 */
public final class IlkIngestChannelInitializer extends ChannelInitializer<Channel> {

  /**
   * The limits and timeouts of each connection, and the signature check, from the service's keys
   * of the same names.
   *
   * @param maxConnections most open connections ({@code max-connections}), >= 1
   * @param maxBodyBytes largest request body in bytes ({@code max-body-bytes}); larger gets 413
   * @param idleTimeout a connection silent this long is closed ({@code idle-timeout.ms})
   * @param requestDeadline first to last byte of a request, and the TLS handshake ({@code
   *     request-deadline.ms}); slower gets 408
   * @param publishTimeout how long a callback waits for Kafka's ack before 503 ({@code
   *     publish-timeout.ms})
   * @param ilkSecrets the secrets callbacks must be signed with; empty = signatures not checked
   * @param signatureMaxSkew how far {@code X-ILK-Timestamp} may be from the clock, either way
   *     ({@code signature-max-skew.ms})
   */
  public record Settings(int maxConnections, int maxBodyBytes, Duration idleTimeout,
      Duration requestDeadline, Duration publishTimeout, Optional<RotatingSecrets> ilkSecrets,
      Duration signatureMaxSkew) {}

  private final Settings settings;
  private final @Nullable SslContext tls;
  private final IlkCallbackMapper mapper;
  private final @Nullable CallbackSignatureVerifier verifier;
  private final PaymentResultPublisher publisher;
  private final IngestMeters meters;
  private final ChannelGroup connections;

  /**
   * @param settings the limits and timeouts of each connection, and the signing secrets
   * @param tls the TLS context of the listener ({@code tls-cert-file}, {@code tls-key-file}), or
   *     null for plain HTTP
   * @param clock the time a result is received at and signatures are checked against
   * @param publisher where accepted results go; shared by all connections
   * @param meters where requests and rejected connections are counted
   * @param connections the open connections: each accepted one is added (it leaves on close),
   *     and at {@code maxConnections} a new one is closed at once
   */
  public IlkIngestChannelInitializer(Settings settings, @Nullable SslContext tls, Clock clock,
      PaymentResultPublisher publisher, IngestMeters meters, ChannelGroup connections) {
    this.settings = settings;
    this.tls = tls;
    this.mapper = new IlkCallbackMapper(clock);
    this.verifier = settings.ilkSecrets()
        .map(secrets -> new CallbackSignatureVerifier(secrets, settings.signatureMaxSkew(), clock))
        .orElse(null);
    this.publisher = publisher;
    this.meters = meters;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel channel) {
    if (connections.size() >= settings.maxConnections()) {
      meters.connectionRejected();
      channel.close();
      return;
    }
    connections.add(channel);
    ChannelPipeline p = channel.pipeline();
    if (tls != null) {
      SslHandler ssl = tls.newHandler(channel.alloc());
      ssl.setHandshakeTimeoutMillis(settings.requestDeadline().toMillis());
      p.addLast(ssl);
    }
    p.addLast(new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast(new IdleConnectionHandler());
    RequestDeadlineHandler deadline = new RequestDeadlineHandler(settings.requestDeadline(), meters);
    p.addLast(deadline.firstByteWatcher());
    p.addLast(new HttpServerCodec(new HttpDecoderConfig()
        .setMaxInitialLineLength(IngestRouteHandler.MAX_INITIAL_LINE_BYTES)
        .setMaxHeaderSize(IngestRouteHandler.MAX_HEADER_BYTES)));
    p.addLast(deadline);
    p.addLast(new HttpServerKeepAliveHandler());
    p.addLast(new BodyLimitingAggregator(settings.maxBodyBytes(), meters));
    p.addLast(new FlowControlHandler());
    p.addLast(new IngestRouteHandler(meters));
    if (verifier != null) {
      p.addLast(new CallbackSignatureHandler(verifier, meters));
    }
    p.addLast(new ResultsHandler(mapper, publisher, meters, settings.publishTimeout()));
  }
}
