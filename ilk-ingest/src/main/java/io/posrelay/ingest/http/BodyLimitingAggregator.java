package io.posrelay.ingest.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.posrelay.ingest.metrics.IngestMeters;

/**
 * Netty's {@link HttpObjectAggregator} with a body limit whose 413 carries a JSON body and is
 * counted ({@code outcome=too_large}).
 *
 * <p>As in Netty: if the client already sent body bytes, or will not keep the connection alive, the
 * 413 closes the connection (the rest of the body cannot be skipped safely); if it announced a too
 * large Content-Length and waits for {@code 100-continue}, the connection stays open.
 */
final class BodyLimitingAggregator extends HttpObjectAggregator {

  private final IngestMeters meters;

  BodyLimitingAggregator(int maxBodyBytes, IngestMeters meters) {
    super(maxBodyBytes);
    this.meters = meters;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized)
      throws Exception {
    meters.request(IngestMeters.Outcome.TOO_LARGE);
    FullHttpResponse response = IngestResponses.error(oversized.protocolVersion(),
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "too_large", null,
        "request body is larger than " + maxContentLength() + " bytes");
    if (oversized instanceof FullHttpMessage
        || !HttpUtil.is100ContinueExpected(oversized) && !HttpUtil.isKeepAlive(oversized)) {
      ctx.writeAndFlush(IngestResponses.closing(response))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
