package io.posrelay.relay.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * The pipeline of a metrics HTTP connection: HTTP/1.1 codec, an aggregator bounded to 8 KiB of
 * request body, a 60 s read timeout, and {@link MetricsHttpHandler}. Sharable.
 */
public final class MetricsHttpInitializer extends ChannelInitializer<Channel> {
  private static final int MAX_REQUEST_BODY_BYTES = 8192;
  private static final int READ_TIMEOUT_SECONDS = 60;

  private final MetricsHttpHandler handler;

  /**
   * @param registry the registry served at {@code /metrics}
   */
  public MetricsHttpInitializer(PrometheusMeterRegistry registry) {
    this.handler = new MetricsHttpHandler(registry);
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.pipeline()
        .addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS))
        .addLast(new HttpServerCodec())
        .addLast(new HttpObjectAggregator(MAX_REQUEST_BODY_BYTES))
        .addLast(handler);
  }
}
