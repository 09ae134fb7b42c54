package io.posrelay.ingest.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a connection on the {@link IdleStateEvent} of the {@code IdleStateHandler} in front of
 * it (no bytes read for {@code idle-timeout.ms}). Since the idle timeout is longer than the publish
 * timeout, a connection waiting for a broker ack is never closed before it is answered.
 */
final class IdleConnectionHandler extends ChannelInboundHandlerAdapter {

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, event);
    }
  }
}
