package io.posrelay.ingest.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import io.posrelay.runtime.log.ThrottledLog;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the time to receive one whole request, so that a client trickling a byte every few
 * seconds (which the idle timeout never sees as idle) cannot hold a connection: the deadline
 * starts with the first byte of a request and ends when its last byte is decoded; when it passes,
 * the answer is 408 {@code request_timeout}, counted {@code outcome=request_timeout}, and the
 * connection is closed.
 *
 * <p>Two handlers share one deadline, because the start is seen in bytes and the end in HTTP
 * objects:
 *
 * <pre>
 * firstByteWatcher()  before HttpServerCodec: bytes arriving while no request is in progress arm
 *                     the deadline
 * this handler        after HttpServerCodec: LastHttpContent (or a refused Expect: 100-continue)
 *                     disarms it
 * </pre>
 *
 * A request waiting for Kafka is not under the deadline (its bytes are all in). One instance per
 * connection; used on its event loop only.
 */
final class RequestDeadlineHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(RequestDeadlineHandler.class);
  private static final ThrottledLog timeouts = new ThrottledLog(log);

  private final long deadlineMillis;
  private final IngestMeters meters;
  private @Nullable ChannelHandlerContext ctx;
  private @Nullable ScheduledFuture<?> timer;

  RequestDeadlineHandler(Duration deadline, IngestMeters meters) {
    this.deadlineMillis = deadline.toMillis();
    this.meters = meters;
  }

  /** The handler to place before the HTTP decoder, sharing this deadline. */
  ChannelInboundHandler firstByteWatcher() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
          arm();
        }
        ctx.fireChannelRead(msg);
      }
    };
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof LastHttpContent) {
      disarm();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof HttpExpectationFailedEvent) {
      disarm(); // 413 to "Expect: 100-continue": the body will not come, the decoder was reset
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    disarm();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  private void arm() {
    ChannelHandlerContext context = ctx;
    if (timer == null && context != null && context.channel().isActive()) {
      timer = context.executor().schedule(this::expire, deadlineMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void disarm() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire() {
    timer = null;
    ChannelHandlerContext context = ctx;
    if (context == null || !context.channel().isActive()) {
      return;
    }
    meters.request(Outcome.REQUEST_TIMEOUT);
    timeouts.warn("closing connection from {}: request not received in full within {} ms",
        context.channel().remoteAddress(), deadlineMillis);
    context.channel().config().setAutoRead(false);
    // From the tail, so that the HTTP encoder (before this handler) writes it.
    context.channel().writeAndFlush(IngestResponses.requestTimeout(deadlineMillis))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
