package io.posrelay.testkit.pos;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.Pong;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.PaymentResult;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal side of the POS protocol for one connection: sends Hello (with the terminal's
 * token) when connected — over TLS the SslHandler holds it until the handshake is done — pings
 * every {@code heartbeat_interval_ms} after Welcome, answers Ping with Pong, and acks every
 * payment_result after handing it to the {@link PosTerminal}. Offers protocol version 2 and
 * routes inquiry answers (and Errors with a request_id) to the terminal's {@link PosInquiries}.
 *
 * <p>One per connection; its state (the ping schedule, the ping nonce) belongs to the
 * connection's event loop.
 */
final class PosTerminalHandler extends SimpleChannelInboundHandler<PosFrame> {
  private static final Logger log = LoggerFactory.getLogger(PosTerminalHandler.class);
  private static final int DEFAULT_HEARTBEAT_MILLIS = 10_000;

  private final PosTerminal terminal;
  private @Nullable ScheduledFuture<?> pings;
  private long nonce;

  PosTerminalHandler(PosTerminal terminal) {
    this.terminal = terminal;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Hello hello =
        Hello.newBuilder()
            .setTerminalId(terminal.terminalId())
            .setMerchantId(terminal.merchantId())
            .setAuthToken(terminal.authToken())
            .setProtocolVersion(PosTerminal.PROTOCOL_VERSION)
            .build();
    ctx.writeAndFlush(PosFrame.newBuilder().setHello(hello).build());
    ctx.fireChannelActive();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, PosFrame frame) {
    switch (frame.getFrameCase()) {
      case WELCOME -> onWelcome(ctx, frame.getWelcome());
      case PAYMENT_RESULT -> onPaymentResult(ctx, frame.getPaymentResult());
      case PING -> ctx.writeAndFlush(
          PosFrame.newBuilder()
              .setPong(Pong.newBuilder().setNonce(frame.getPing().getNonce()))
              .build());
      case PONG -> { }
      case STATUS_RESPONSE ->
          terminal.inquiries().onAnswer(frame.getStatusResponse().getRequestId(), frame);
      case RECENT_RESPONSE ->
          terminal.inquiries().onAnswer(frame.getRecentResponse().getRequestId(), frame);
      case ERROR -> {
        if (frame.getError().getRequestId().isEmpty()
            || !terminal.inquiries().onAnswer(frame.getError().getRequestId(), frame)) {
          log.info("terminal {} got error {}: {}", terminal.terminalId(),
              frame.getError().getCode(), frame.getError().getMessage());
        }
      }
      default -> log.debug("terminal {} ignores a {} frame", terminal.terminalId(),
          frame.getFrameCase());
    }
  }

  private void onWelcome(ChannelHandlerContext ctx, Welcome welcome) {
    int interval = welcome.getHeartbeatIntervalMs() > 0
        ? welcome.getHeartbeatIntervalMs()
        : DEFAULT_HEARTBEAT_MILLIS;
    if (pings == null) {
      pings = ctx.executor().scheduleAtFixedRate(() -> ping(ctx), interval, interval,
          TimeUnit.MILLISECONDS);
    }
    terminal.onWelcome(welcome);
  }

  private void onPaymentResult(ChannelHandlerContext ctx, PaymentResult result) {
    terminal.onResult(result);
    ctx.writeAndFlush(
        PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId(result.getResultId())).build());
  }

  private void ping(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(++nonce)).build());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pings != null) {
      pings.cancel(false);
      pings = null;
    }
    terminal.inquiries().onClosed();
    terminal.onDisconnected();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause.getCause() instanceof SSLException tls) {
      log.info("terminal {}: TLS with the node failed ({}); reconnecting", terminal.terminalId(),
          tls.getMessage());
    } else {
      log.debug("terminal {}: closing connection after {}", terminal.terminalId(),
          cause.toString());
    }
    ctx.close();
  }
}
