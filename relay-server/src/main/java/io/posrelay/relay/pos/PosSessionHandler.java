package io.posrelay.relay.pos;

import com.google.protobuf.Timestamp;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Pong;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.relay.auth.TerminalAuthenticator;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.PosSession;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.inquiry.Inquiries;
import io.posrelay.relay.inquiry.SessionInquiries;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.TerminalSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POS protocol state of one connection: Hello first (answered with Welcome), then Ping/Pong
 * and Acks. Results are written to the terminal by the {@link DeliveryTracker}, not here.
 *
 * <p>Protocol violations end the connection with one Error frame: a frame before Hello, a
 * second Hello or no frame within the hello timeout (CODE_HELLO_REQUIRED, the last fired by
 * {@link HelloTimeoutHandler}), invalid Hello fields (CODE_INVALID_HELLO), an auth_token that
 * does not prove the terminal id or a Hello from an address cooling down after failed
 * authentications (CODE_UNAUTHENTICATED: no session, nothing announced), a frame type
 * that only the node may send or an empty or unparsable frame (CODE_MALFORMED_FRAME), an
 * oversized length prefix (CODE_FRAME_TOO_LARGE), silence beyond the reader idle time
 * (CODE_IDLE_TIMEOUT). A newer Hello for the same terminal on this node replaces this session
 * (CODE_SESSION_REPLACED); on another node, {@link SessionTakeover} does the same.
 *
 * <p>After a valid Hello: the session is registered, Welcome is written, the session is
 * announced on {@code posrelay.sessions} (session takeover) and recovery of the terminal's
 * undelivered results starts. A terminal that stops reading for longer than the write stall
 * timeout is disconnected, its results in flight failing with WRITE_FAILED.
 *
 * <p>Protocol version 2 ({@link ProtocolVersions}) adds status inquiries, answered by {@link
 * SessionInquiries}; in a version 1 session they are frames not allowed from a terminal.
 *
 * <p>Not sharable: one instance per channel; all methods run on the channel's event loop.
 */
public final class PosSessionHandler extends SimpleChannelInboundHandler<PosFrame> {
  private static final Logger log = LoggerFactory.getLogger(PosSessionHandler.class);

  /**
   * A user event that makes the handler end the connection because the node is shutting down:
   * Error CODE_SHUTTING_DOWN, close, and results in flight fail with NODE_SHUTDOWN. Fire it with
   * {@code channel.pipeline().fireUserEventTriggered(SHUTTING_DOWN)} from any thread.
   */
  public static final Object SHUTTING_DOWN = new Object() {
    @Override
    public String toString() {
      return "SHUTTING_DOWN";
    }
  };

  private final String nodeId;
  private final int heartbeatIntervalMillis;
  private final TerminalRegistry registry;
  private final DeliveryTracker tracker;
  private final SessionPublisher sessions;
  private final SessionRecovery recovery;
  private final RelayMeters meters;
  private final Clock clock;
  private final TerminalAuthenticator authenticator;
  private final @Nullable Inquiries inquiries;
  private @Nullable PosSession session;
  /** Set for a session of protocol version 2 or higher. */
  private @Nullable SessionInquiries sessionInquiries;
  private boolean closing;

  /**
   * @param nodeId this node's id, sent in Welcome
   * @param heartbeatIntervalMillis sent in Welcome: how often the terminal must ping, > 0
   * @param registry the terminals connected to this node
   * @param tracker deliveries, told about acks and the end of the session
   * @param sessions where new sessions are announced, for takeover on other nodes
   * @param recovery started for each new session, after its Welcome
   * @param meters where rejected frames and sent errors are counted
   * @param clock wall clock for the session's connected-at time
   * @param authenticator checks each Hello's auth_token (or accepts any, when off)
   * @param inquiries answers status inquiries; null = the node speaks protocol version 1 only
   */
  public PosSessionHandler(
      String nodeId,
      int heartbeatIntervalMillis,
      TerminalRegistry registry,
      DeliveryTracker tracker,
      SessionPublisher sessions,
      SessionRecovery recovery,
      RelayMeters meters,
      Clock clock,
      TerminalAuthenticator authenticator,
      @Nullable Inquiries inquiries) {
    this.inquiries = inquiries;
    this.nodeId = nodeId;
    this.heartbeatIntervalMillis = heartbeatIntervalMillis;
    this.registry = registry;
    this.tracker = tracker;
    this.sessions = sessions;
    this.recovery = recovery;
    this.meters = meters;
    this.clock = clock;
    this.authenticator = authenticator;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, PosFrame frame) {
    if (closing) {
      return;
    }
    PosSession current = session;
    if (frame.getFrameCase() == PosFrame.FrameCase.HELLO) {
      if (current != null) {
        reject(ctx, Error.Code.CODE_HELLO_REQUIRED, "Hello arrived twice on one connection");
      } else {
        onHello(ctx, frame.getHello());
      }
      return;
    }
    if (current == null) {
      reject(ctx, Error.Code.CODE_HELLO_REQUIRED,
          "the first frame must be Hello, got " + frameName(frame));
      return;
    }
    switch (frame.getFrameCase()) {
      case PING ->
          ctx.writeAndFlush(
              PosFrame.newBuilder()
                  .setPong(Pong.newBuilder().setNonce(frame.getPing().getNonce()))
                  .build());
      case PONG -> {
        // An answer to a Ping; the node sends none today, so there is nothing to match.
      }
      case ACK -> {
        String resultId = frame.getAck().getResultId();
        boolean delivered = tracker.onAck(current, resultId);
        if (sessionInquiries != null) {
          sessionInquiries.onAck(resultId, delivered);
        }
      }
      case STATUS_REQUEST, RECENT_REQUEST -> {
        SessionInquiries asked = sessionInquiries;
        String fatal = asked == null ? frameName(frame)
            + " is not allowed from a terminal in protocol version 1" : asked.onRequest(frame);
        if (fatal != null) {
          reject(ctx, asked == null ? Error.Code.CODE_MALFORMED_FRAME
              : Error.Code.CODE_INVALID_REQUEST, fatal);
        }
      }
      default ->
          reject(ctx, Error.Code.CODE_MALFORMED_FRAME,
              frameName(frame) + " is not allowed from a terminal");
    }
  }

  private void onHello(ChannelHandlerContext ctx, Hello hello) {
    String problem = HelloValidator.problemWith(hello);
    if (problem != null) {
      reject(ctx, Error.Code.CODE_INVALID_HELLO, problem);
      return;
    }
    switch (authenticator.authenticate(ctx.channel().remoteAddress(), hello.getTerminalId(),
        hello.getAuthToken())) {
      case BAD_TOKEN -> {
        reject(ctx, Error.Code.CODE_UNAUTHENTICATED,
            "auth_token: does not prove terminal_id " + hello.getTerminalId());
        return;
      }
      case RATE_LIMITED -> {
        reject(ctx, Error.Code.CODE_UNAUTHENTICATED,
            "too many failed authentications from this address; retry later");
        return;
      }
      case ACCEPTED -> {
        // go on
      }
    }
    PosSession fresh =
        new PosSession(
            hello.getTerminalId(),
            hello.getMerchantId(),
            UUID.randomUUID().toString(),
            ctx.channel(),
            clock.instant());
    session = fresh;
    int version = inquiries == null ? ProtocolVersions.V1
        : ProtocolVersions.negotiate(hello.getProtocolVersion());
    if (inquiries != null && version >= ProtocolVersions.V2) {
      sessionInquiries = inquiries.open(fresh);
    }
    // Registered before the Welcome is written, so a result dispatched as soon as the terminal
    // sees its Welcome finds the session. The dispatch runs on this event loop after this task,
    // so the Welcome still goes out first.
    PosSession replaced = registry.register(fresh);
    ctx.writeAndFlush(
        PosFrame.newBuilder()
            .setWelcome(
                Welcome.newBuilder()
                    .setNodeId(nodeId)
                    .setSessionId(fresh.sessionId())
                    .setHeartbeatIntervalMs(heartbeatIntervalMillis)
                    .setProtocolVersion(version))
            .build());
    try (LogContext ignored = LogContext.open().terminalId(fresh.terminalId()).nodeId(nodeId)) {
      log.debug("terminal_id={} session_id={} node_id={} connected from {}", fresh.terminalId(),
          fresh.sessionId(), nodeId, ctx.channel().remoteAddress());
      if (replaced != null) {
        log.info("terminal_id={} node_id={} session_id={} replaced by session_id={}",
            fresh.terminalId(), nodeId, replaced.sessionId(), fresh.sessionId());
      }
    }
    if (replaced != null) {
      try {
        replaced.eventLoop().execute(() -> SessionTakeover.replace(replaced,
            "session " + fresh.sessionId(), false, meters));
      } catch (RejectedExecutionException shuttingDown) {
        replaced.channel().close();
      }
    }
    Instant at = fresh.connectedAt();
    sessions.publish(
        TerminalSession.newBuilder()
            .setTerminalId(fresh.terminalId())
            .setNodeId(nodeId)
            .setSessionId(fresh.sessionId())
            .setConnectedAt(Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano()))
            .build());
    recovery.start(fresh);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof HelloTimeoutHandler.HelloTimedOut timedOut) {
      onHelloTimeout(ctx, timedOut.timeoutMillis());
      return;
    }
    if (evt instanceof SslHandshakeCompletionEvent handshake) {
      if (!handshake.isSuccess()) {
        onTlsFailure(ctx, handshake.cause());
      }
      return;
    }
    if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.READER_IDLE) {
      if (!closing) {
        closing = true;
        PosErrors.sendAndClose(ctx.channel(), Error.Code.CODE_IDLE_TIMEOUT,
            "nothing received for 3 heartbeat intervals", meters);
      }
      return;
    }
    if (evt == WriteStallHandler.WRITE_STALLED) {
      PosSession current = session;
      if (!closing && (current == null
          || current.markClosing(FailureReason.FAILURE_REASON_WRITE_FAILED))) {
        closing = true;
        meters.sessions().writeStall(true);
        try (LogContext ignored = LogContext.open()
            .terminalId(current == null ? "" : current.terminalId()).nodeId(nodeId)) {
          log.info("terminal_id={} node_id={} not reading: outbound buffer full for longer than "
              + "the write stall timeout; disconnecting",
              current == null ? "-" : current.terminalId(), nodeId);
        }
        ctx.close(); // no Error frame: the terminal does not read
      }
      return;
    }
    if (evt == SHUTTING_DOWN) {
      if (!closing) {
        closing = true;
        PosSession current = session;
        if (current != null) {
          current.markClosing(FailureReason.FAILURE_REASON_NODE_SHUTDOWN);
        }
        PosErrors.sendAndClose(ctx.channel(), Error.Code.CODE_SHUTTING_DOWN,
            "the node is shutting down; reconnect to any node", meters);
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closing = true;
    PosSession ended = session;
    if (ended != null) {
      try (LogContext ignored = LogContext.open().terminalId(ended.terminalId()).nodeId(nodeId)) {
        tracker.onSessionClosed(ended);
        recovery.onSessionClosed(ended);
        log.debug("terminal_id={} session_id={} node_id={} disconnected", ended.terminalId(),
            ended.sessionId(), nodeId);
      }
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof NotSslRecordException || cause.getCause() instanceof SSLException) {
      onTlsFailure(ctx, cause);
    } else if (cause instanceof TooLongFrameException) {
      reject(ctx, Error.Code.CODE_FRAME_TOO_LARGE, cause.getMessage());
    } else if (cause instanceof CorruptedFrameException || cause instanceof DecoderException) {
      reject(ctx, Error.Code.CODE_MALFORMED_FRAME,
          cause instanceof CorruptedFrameException
              ? cause.getMessage()
              : "the frame is not a valid PosFrame");
    } else if (cause instanceof IOException) {
      log.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    } else {
      log.warn("unexpected error on connection from {}; closing", ctx.channel().remoteAddress(),
          cause);
      ctx.close();
    }
  }

  private void onHelloTimeout(ChannelHandlerContext ctx, long timeoutMillis) {
    if (closing || session != null) {
      return;
    }
    closing = true;
    meters.sessions().helloTimeout();
    log.debug("closing connection from {}: no Hello within {} ms", ctx.channel().remoteAddress(),
        timeoutMillis);
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls != null && !tls.handshakeFuture().isSuccess()) {
      ctx.close(); // no TLS session to carry an Error frame
      return;
    }
    PosErrors.sendAndClose(ctx.channel(), Error.Code.CODE_HELLO_REQUIRED,
        "no Hello within " + timeoutMillis + " ms of connecting", meters);
  }

  /** A failed TLS handshake or record: no Error frame (it could not be read), just close. */
  private void onTlsFailure(ChannelHandlerContext ctx, Throwable cause) {
    if (!closing) {
      closing = true;
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      if (tls == null || !tls.handshakeFuture().isSuccess()) {
        meters.sessions().tlsHandshakeFailure();
      }
      log.debug("TLS failure on connection from {}: {}", ctx.channel().remoteAddress(),
          cause.toString());
    }
    ctx.close();
  }

  private void reject(ChannelHandlerContext ctx, Error.Code code, @Nullable String message) {
    if (closing) {
      return;
    }
    closing = true;
    meters.sessions().frameRejected(code);
    log.debug("rejecting connection from {}: {} {}", ctx.channel().remoteAddress(), code, message);
    PosErrors.sendAndClose(ctx.channel(), code, message == null ? code.name() : message, meters);
  }

  private static String frameName(PosFrame frame) {
    return frame.getFrameCase() == PosFrame.FrameCase.FRAME_NOT_SET
        ? "an empty frame"
        : frame.getFrameCase().name().toLowerCase(java.util.Locale.ROOT);
  }
}
