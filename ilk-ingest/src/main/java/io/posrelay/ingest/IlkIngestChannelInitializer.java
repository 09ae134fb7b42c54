package io.posrelay.ingest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of one accepted HTTP connection:
 *
 * <pre>
 * IdleStateHandler(reader idle = idle-timeout.ms) → IdleConnectionHandler (close)
 * HttpServerCodec (request line ≤ 4 KiB, headers ≤ 8 KiB)
 * HttpServerKeepAliveHandler (Connection: keep-alive / close, HTTP/1.0 and 1.1)
 * BodyLimitingAggregator (FullHttpRequest; body > max-body-bytes → 413)
 * FlowControlHandler (holds pipelined requests while one awaits Kafka)
 * IngestRouteHandler (400 / 404 / 405 / 415, GET /metrics)
 * ResultsHandler (POST /ilk/v1/results → Kafka → 202 / 400 / 503)
 * </pre>
 *
 * Connections beyond {@code max-connections} are closed on accept.
 */
final class IlkIngestChannelInitializer extends ChannelInitializer<Channel> {

  private final IlkIngestConfig config;
  private final IlkCallbackMapper mapper;
  private final PaymentResultPublisher publisher;
  private final IngestMeters meters;
  private final PrometheusMeterRegistry registry;
  private final ChannelGroup connections;

  IlkIngestChannelInitializer(IlkIngestConfig config, IlkCallbackMapper mapper,
      PaymentResultPublisher publisher, IngestMeters meters, PrometheusMeterRegistry registry,
      ChannelGroup connections) {
    this.config = config;
    this.mapper = mapper;
    this.publisher = publisher;
    this.meters = meters;
    this.registry = registry;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel channel) {
    if (connections.size() >= config.maxConnections()) {
      meters.connectionRejected();
      channel.close();
      return;
    }
    connections.add(channel);
    ChannelPipeline p = channel.pipeline();
    p.addLast(new IdleStateHandler(config.idleTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast(new IdleConnectionHandler());
    p.addLast(new HttpServerCodec());
    p.addLast(new HttpServerKeepAliveHandler());
    p.addLast(new BodyLimitingAggregator(config.maxBodyBytes(), meters));
    p.addLast(new FlowControlHandler());
    p.addLast(new IngestRouteHandler(registry, meters));
    p.addLast(new ResultsHandler(mapper, publisher, meters, config.publishTimeout()));
  }
}
