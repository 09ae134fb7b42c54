package io.posrelay.testkit.ilk;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The last handler of an {@link IlkSimClient} connection: hands the aggregated response, a
 * closed connection or an error to the one {@link IlkSimExchange} using the connection. A
 * response, close or error while the connection is idle in the pool closes it (the pool's health
 * check then drops it).
 *
 * <p>One per connection; its state (the exchange using the connection) belongs to the
 * connection's event loop.
 */
final class IlkSimChannelHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
  private @Nullable IlkSimExchange current;

  /** The exchange now using this connection. */
  void begin(IlkSimExchange exchange) {
    current = exchange;
  }

  /** The connection is going back to the pool. */
  void end() {
    current = null;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
    IlkSimExchange exchange = current;
    if (exchange == null) {
      ctx.close();
      return;
    }
    exchange.responded(response);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    IlkSimExchange exchange = current;
    if (exchange != null) {
      exchange.failed(new IOException("connection closed before a full response"));
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    IlkSimExchange exchange = current;
    if (exchange != null) {
      exchange.failed(cause);
    }
    ctx.close();
  }
}
