package io.posrelay.relay.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Answers {@code GET /metrics} with the registry in the Prometheus text format (version 0.0.4);
 * any other path is 404 and any other method 405. Sharable and thread-safe.
 */
@ChannelHandler.Sharable
public final class MetricsHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  /**
   * @param registry the server's registry
   */
  public MetricsHttpHandler(PrometheusMeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    String path = request.uri();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    FullHttpResponse response;
    if (!path.equals("/metrics")) {
      response = text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain; charset=utf-8");
    } else if (!request.method().equals(HttpMethod.GET)) {
      response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n",
          "text/plain; charset=utf-8");
      response.headers().set(HttpHeaderNames.ALLOW, "GET");
    } else {
      response = text(HttpResponseStatus.OK, registry.scrape(), PROMETHEUS_TEXT);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    HttpUtil.setKeepAlive(response, keepAlive);
    if (keepAlive) {
      ctx.writeAndFlush(response);
    } else {
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return response;
  }
}
