package io.posrelay.relay.pos;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.auth.TerminalAuthenticator;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.inquiry.Inquiries;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline of a POS connection, head to tail:
 *
 * <pre>
 *  inbound                                   outbound
 *  SslHandler             (only with TLS on; both ways, first in the pipeline)
 *  PosFrameDecoder        (length prefix,     ProtobufVarint32LengthFieldPrepender
 *                          max frame size)    ProtobufEncoder
 *  ProtobufDecoder        (PosFrame)
 *  IdleStateHandler       (reader idle = 3 × heartbeat interval)
 *  ConnectionLimitHandler (shared; CODE_OVERLOADED)
 *  HelloTimeoutHandler    (no frame within the hello timeout; removed by the first frame)
 *  WriteStallHandler      (unwritable longer than the stall timeout)
 *  PosSessionHandler      (Hello and its auth_token, Ping, Ack; errors; takeover and recovery;
 *                          status inquiries of protocol version 2)
 * </pre>
 *
 * <p>Sharable: one instance per server.
 */
public final class PosChannelInitializer extends ChannelInitializer<Channel> {
  private final String nodeId;
  private final int maxFrameBytes;
  private final long heartbeatIntervalMillis;
  private final ChannelGroup channels;
  private final ConnectionLimitHandler connectionLimit;
  private final TerminalRegistry registry;
  private final DeliveryTracker tracker;
  private final SessionPublisher sessions;
  private final SessionRecovery recovery;
  private final long writeStallTimeoutNanos;
  private final RelayMeters meters;
  private final Clock clock;
  private final @Nullable SslContext sslContext;
  private final long helloTimeoutMillis;
  private final TerminalAuthenticator authenticator;
  private final @Nullable Inquiries inquiries;

  /**
   * @param nodeId this node's id, sent in Welcome
   * @param maxFrameBytes largest inbound frame, bytes, >= 1
   * @param heartbeatIntervalMillis the terminal's ping interval, ms, 1..Integer.MAX_VALUE / 3
   * @param channels every POS connection is added here, so that shutdown can reach it
   * @param connectionLimit the node's shared connection limit
   * @param registry the terminals connected to this node
   * @param tracker deliveries
   * @param sessions where new sessions are announced
   * @param recovery recovery of undelivered results on Hello
   * @param writeStallTimeout longest a channel may stay unwritable, > 0
   * @param meters where rejections are counted
   * @param clock wall clock
   * @param sslContext the server TLS context, or {@code null} for plain TCP
   * @param helloTimeout how long a new connection has to deliver its first frame (TLS handshake
   *     included), >= 1 ms
   * @param authenticator checks each Hello's auth_token; shared by every connection
   * @param inquiries answers status inquiries; null = the node speaks protocol version 1 only
   */
  public PosChannelInitializer(
      String nodeId,
      int maxFrameBytes,
      long heartbeatIntervalMillis,
      ChannelGroup channels,
      ConnectionLimitHandler connectionLimit,
      TerminalRegistry registry,
      DeliveryTracker tracker,
      SessionPublisher sessions,
      SessionRecovery recovery,
      Duration writeStallTimeout,
      RelayMeters meters,
      Clock clock,
      @Nullable SslContext sslContext,
      Duration helloTimeout,
      TerminalAuthenticator authenticator,
      @Nullable Inquiries inquiries) {
    this.nodeId = nodeId;
    this.maxFrameBytes = maxFrameBytes;
    this.heartbeatIntervalMillis = heartbeatIntervalMillis;
    this.channels = channels;
    this.connectionLimit = connectionLimit;
    this.registry = registry;
    this.tracker = tracker;
    this.sessions = sessions;
    this.recovery = recovery;
    this.writeStallTimeoutNanos = writeStallTimeout.toNanos();
    this.meters = meters;
    this.clock = clock;
    this.sslContext = sslContext;
    this.helloTimeoutMillis = helloTimeout.toMillis();
    this.authenticator = authenticator;
    this.inquiries = inquiries;
  }

  @Override
  protected void initChannel(Channel ch) {
    channels.add(ch);
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      SslHandler tls = sslContext.newHandler(ch.alloc());
      tls.setHandshakeTimeoutMillis(helloTimeoutMillis);
      p.addLast("tls", tls);
    }
    p.addLast("frameDecoder", new PosFrameDecoder(maxFrameBytes));
    p.addLast("protobufDecoder", new ProtobufDecoder(PosFrame.getDefaultInstance()));
    p.addLast("frameEncoder", new ProtobufVarint32LengthFieldPrepender());
    p.addLast("protobufEncoder", new ProtobufEncoder());
    p.addLast("idle", new IdleStateHandler(3 * heartbeatIntervalMillis, 0, 0,
        TimeUnit.MILLISECONDS));
    p.addLast("connectionLimit", connectionLimit);
    p.addLast("helloTimeout", new HelloTimeoutHandler(helloTimeoutMillis));
    p.addLast("writeStall", new WriteStallHandler(writeStallTimeoutNanos));
    p.addLast("session", new PosSessionHandler(nodeId, (int) heartbeatIntervalMillis, registry,
        tracker, sessions, recovery, meters, clock, authenticator, inquiries));
  }
}
