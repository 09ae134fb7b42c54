package io.posrelay.relay.pos;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Notices a terminal that stops reading: when its channel stays unwritable (outbound buffer above
 * the high watermark) for longer than the stall timeout, fires {@link #WRITE_STALLED} down the
 * pipeline, and the {@link PosSessionHandler} fails the results in flight with WRITE_FAILED and
 * disconnects. Work stays on the channel's own event loop, so one slow terminal never delays
 * another.
 *
 * <p>Not sharable: one instance per channel.
 */
final class WriteStallHandler extends ChannelInboundHandlerAdapter {
  /** The user event fired when the channel stayed unwritable past the timeout. */
  static final Object WRITE_STALLED = new Object() {
    @Override
    public String toString() {
      return "WRITE_STALLED";
    }
  };

  private final long timeoutNanos;
  private @Nullable ScheduledFuture<?> check;

  /** @param timeoutNanos longest the channel may stay unwritable, > 0 */
  WriteStallHandler(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
    if (!ctx.channel().isWritable()) {
      if (check == null) {
        check = ctx.executor().schedule(() -> {
          check = null;
          if (ctx.channel().isActive() && !ctx.channel().isWritable()) {
            ctx.fireUserEventTriggered(WRITE_STALLED);
          }
        }, timeoutNanos, TimeUnit.NANOSECONDS);
      }
    } else {
      cancel();
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void cancel() {
    ScheduledFuture<?> pending = check;
    if (pending != null) {
      check = null;
      pending.cancel(false);
    }
  }
}
