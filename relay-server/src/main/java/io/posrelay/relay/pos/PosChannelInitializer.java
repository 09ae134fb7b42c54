package io.posrelay.relay.pos;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import java.time.Duration;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a POS connection, head to tail:
 *
 * <pre>
 *  inbound                                   outbound
 *  PosFrameDecoder        (length prefix,     ProtobufVarint32LengthFieldPrepender
 *                          max frame size)    ProtobufEncoder
 *  ProtobufDecoder        (PosFrame)
 *  IdleStateHandler       (reader idle = 3 × heartbeat interval)
 *  ConnectionLimitHandler (shared; CODE_OVERLOADED)
 *  WriteStallHandler      (unwritable longer than the stall timeout)
 *  PosSessionHandler      (Hello, Ping, Ack; errors; takeover and recovery start)
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
      Clock clock) {
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
  }

  @Override
  protected void initChannel(Channel ch) {
    channels.add(ch);
    ChannelPipeline p = ch.pipeline();
    p.addLast("frameDecoder", new PosFrameDecoder(maxFrameBytes));
    p.addLast("protobufDecoder", new ProtobufDecoder(PosFrame.getDefaultInstance()));
    p.addLast("frameEncoder", new ProtobufVarint32LengthFieldPrepender());
    p.addLast("protobufEncoder", new ProtobufEncoder());
    p.addLast("idle", new IdleStateHandler(3 * heartbeatIntervalMillis, 0, 0,
        TimeUnit.MILLISECONDS));
    p.addLast("connectionLimit", connectionLimit);
    p.addLast("writeStall", new WriteStallHandler(writeStallTimeoutNanos));
    p.addLast("session", new PosSessionHandler(nodeId, (int) heartbeatIntervalMillis, registry,
        tracker, sessions, recovery, meters, clock));
  }
}
