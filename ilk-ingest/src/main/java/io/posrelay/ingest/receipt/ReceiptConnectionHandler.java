package io.posrelay.ingest.receipt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of a {@link NettyReceiptPoster} connection: reads ILK's answer — its status,
 * {@code Retry-After} and keep-alive from the head, the body discarded as it streams in — and hands
 * it, a closed connection or an error to the one {@link ReceiptExchange} using the connection.
 * Interim 1xx answers are skipped. A response, close or error while the connection is idle in the
 * pool closes it (the pool's health check then drops it).
 *
 * <p>One per connection; its state belongs to the connection's event loop.
 */
final class ReceiptConnectionHandler extends ChannelInboundHandlerAdapter {
  private @Nullable ReceiptExchange current;
  private int status;
  private @Nullable String retryAfter;
  private boolean keepAlive;

  /** The exchange now using this connection. */
  void begin(ReceiptExchange exchange) {
    current = exchange;
    status = 0;
  }

  /** The connection is going back to the pool. */
  void end() {
    current = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      ReceiptExchange exchange = current;
      if (exchange == null) {
        ctx.close();
        return;
      }
      if (msg instanceof HttpResponse response) {
        int code = response.status().code();
        if (code >= 100 && code < 200) {
          status = 0; // interim (e.g. 100 Continue): the real answer follows
          return;
        }
        status = code;
        retryAfter = response.headers().get(HttpHeaderNames.RETRY_AFTER);
        keepAlive = HttpUtil.isKeepAlive(response);
        if (response.decoderResult().isFailure()) {
          exchange.failed(response.decoderResult().cause());
          return;
        }
      }
      if (msg instanceof LastHttpContent last && status != 0) {
        if (last.decoderResult().isFailure()) {
          exchange.failed(last.decoderResult().cause());
        } else {
          exchange.responded(status, retryAfter, keepAlive);
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ReceiptExchange exchange = current;
    if (exchange != null) {
      exchange.failed(new IOException("connection closed before a full response"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ReceiptExchange exchange = current;
    if (exchange != null) {
      exchange.failed(cause);
    }
    ctx.close();
  }
}
