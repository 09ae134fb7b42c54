package io.posrelay.relay.pos;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The Hello deadline: a connection on which no whole frame has arrived within the hello timeout
 * of becoming active (the TLS handshake, when on, counts against it) gets {@link HelloTimedOut}
 * fired down the pipeline, and the {@link PosSessionHandler} answers Error CODE_HELLO_REQUIRED
 * and closes. The first decoded frame stops the clock and removes this handler: if it is not a
 * Hello, the session handler rejects it at once. Bytes that do not make a whole frame do not
 * stop the clock, so a peer trickling a length prefix cannot hold a connection open.
 *
 * <p>Not sharable: one instance per channel; runs on the channel's event loop.
 */
final class HelloTimeoutHandler extends ChannelInboundHandlerAdapter {
  /**
   * The user event fired when the deadline passed.
   *
   * @param timeoutMillis the hello timeout, for the Error message
   */
  record HelloTimedOut(long timeoutMillis) {}

  private final long timeoutMillis;
  private @Nullable ScheduledFuture<?> deadline;
  private boolean started;

  /** @param timeoutMillis the hello timeout in milliseconds, > 0 */
  HelloTimeoutHandler(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive() && ctx.channel().isRegistered()) {
      start(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    start(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    cancel();
    ctx.pipeline().remove(this);
    super.channelRead(ctx, msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void start(ChannelHandlerContext ctx) {
    if (started) {
      return;
    }
    started = true;
    deadline = ctx.executor().schedule(() -> {
      deadline = null;
      if (ctx.channel().isActive()) {
        ctx.fireUserEventTriggered(new HelloTimedOut(timeoutMillis));
      }
    }, timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    ScheduledFuture<?> pending = deadline;
    if (pending != null) {
      deadline = null;
      pending.cancel(false);
    }
  }
}
