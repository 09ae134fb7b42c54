package io.posrelay.relay.pos;

import io.posrelay.runtime.log.ThrottledLog;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.posrelay.pos.v1.Error;
import io.posrelay.relay.metrics.RelayMeters;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the open POS connections of a node. A connection over the limit gets Error
 * CODE_OVERLOADED and is closed before anything else happens on it; with TLS on it is closed at
 * once, without a handshake (an Error could not be read before one, and a node at its limit
 * should not spend the handshake's CPU). Rejections are counted ({@link
 * RelayMeters#CONNECTIONS_REJECTED}) and logged as at most one summary line per second.
 *
 * <p>Sharable: one instance counts all connections of a node. Must sit after the encoders in
 * the pipeline.
 */
@ChannelHandler.Sharable
public final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectionLimitHandler.class);
  private static final AttributeKey<Boolean> COUNTED =
      AttributeKey.valueOf(ConnectionLimitHandler.class, "counted");

  private final int maxConnections;
  private final RelayMeters meters;
  private final AtomicInteger open = new AtomicInteger();
  private final ThrottledLog rejections = new ThrottledLog(log);

  /**
   * @param maxConnections the most open connections accepted, >= 1
   * @param meters where open connections and rejections are counted
   */
  public ConnectionLimitHandler(int maxConnections, RelayMeters meters) {
    this.maxConnections = maxConnections;
    this.meters = meters;
    meters.gauge(RelayMeters.CONNECTIONS_OPEN, "Open POS connections.", open::get);
  }

  /** The number of open connections counted against the limit. */
  public int openConnections() {
    return open.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > maxConnections) {
      open.decrementAndGet();
      ctx.channel().config().setAutoRead(false);
      meters.sessions().connectionRejected();
      logRejection();
      if (ctx.pipeline().get(SslHandler.class) != null) {
        ctx.close();
        return;
      }
      PosErrors.sendAndClose(
          ctx.channel(),
          Error.Code.CODE_OVERLOADED,
          "node at its connection limit of " + maxConnections + "; retry later or elsewhere",
          meters);
      return;
    }
    ctx.channel().attr(COUNTED).set(Boolean.TRUE);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (ctx.channel().hasAttr(COUNTED) && ctx.channel().attr(COUNTED).get() != null) {
      super.channelRead(ctx, msg);
    } else {
      ReferenceCountUtil.release(msg); // a rejected connection: nothing it sends is processed
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
      open.decrementAndGet();
      super.channelInactive(ctx);
    }
  }

  private void logRejection() {
    long left = rejections.permit();
    if (left >= 0) {
      log.warn("rejected {} connection(s) since the last line: at the limit of {} connections",
          left + 1, maxConnections);
    }
  }
}
