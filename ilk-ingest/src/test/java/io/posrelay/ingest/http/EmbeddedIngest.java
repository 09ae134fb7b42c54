package io.posrelay.ingest.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole ilk-ingest pipeline on an {@link EmbeddedChannel}, configured by ilk-ingest's keys
 * ({@link IngestKeys#SPEC}) as the server wires them, with a {@link MockProducer} that completes
 * sends only when the test says so and a direct send executor. Raw HTTP bytes in, decoded
 * responses out.
 */
public final class EmbeddedIngest implements AutoCloseable {

  static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");

  final MockProducer<String, PaymentResult> producer = new MockProducer<>(false, null,
      new StringSerializer(), new ProtobufSerializer<PaymentResult>());
  final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final IngestMeters meters = new IngestMeters(registry);
  final PaymentResultPublisher publisher;
  final EmbeddedChannel channel;
  private final EmbeddedChannel client =
      new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));

  EmbeddedIngest(ServiceConfig config) {
    publisher = new PaymentResultPublisher(producer, config.get(KafkaKeys.RESULTS_TOPIC),
        Runnable::run, config.get(IngestKeys.MAX_IN_FLIGHT_PUBLISHES), meters);
    // Plain HTTP: the raw bytes in and out are the HTTP messages themselves.
    channel = new EmbeddedChannel(new IlkIngestChannelInitializer(settings(config), null,
        Clock.fixed(NOW, ZoneOffset.UTC), publisher, meters,
        new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
  }

  EmbeddedIngest() {
    this(config().build());
  }

  /** ilk-ingest's configuration, every key at its default until set. */
  static ServiceConfig.Builder config() {
    return ServiceConfig.builder(IngestKeys.SPEC);
  }

  /** The pipeline's settings from the keys, as IlkIngestServer maps them. */
  static IlkIngestChannelInitializer.Settings settings(ServiceConfig c) {
    return new IlkIngestChannelInitializer.Settings(c.get(IngestKeys.MAX_CONNECTIONS),
        c.get(IngestKeys.MAX_BODY_BYTES), c.get(IngestKeys.IDLE_TIMEOUT),
        c.get(IngestKeys.REQUEST_DEADLINE), c.get(IngestKeys.PUBLISH_TIMEOUT),
        ListenerKeys.secrets(c, IngestKeys.ILK_SECRET_FILE, IngestKeys.ILK_SECRETS,
            RotatingSecrets.Rule.HMAC_SECRET),
        c.get(IngestKeys.SIGNATURE_MAX_SKEW));
  }

  /** A raw HTTP/1.1 request with a Content-Length. */
  static String request(String method, String path, Map<String, String> headers, String body) {
    StringBuilder raw = new StringBuilder(method).append(' ').append(path)
        .append(" HTTP/1.1\r\nHost: ilk-ingest\r\n");
    headers.forEach((k, v) -> raw.append(k).append(": ").append(v).append("\r\n"));
    raw.append("Content-Length: ").append(body.getBytes(UTF_8).length).append("\r\n\r\n");
    return raw.append(body).toString();
  }

  public static String postJson(String body) {
    return request("POST", IngestRouteHandler.RESULTS_PATH,
        Map.of("Content-Type", "application/json"), body);
  }

  void send(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, UTF_8));
  }

  /** Every response written so far, decoded and released. */
  List<Response> responses() {
    channel.runPendingTasks();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      client.writeInbound((ByteBuf) out);
    }
    List<Response> responses = new ArrayList<>();
    for (FullHttpResponse r; (r = client.readInbound()) != null; ) {
      try {
        responses.add(new Response(r.status().code(), r.headers().get("Content-Type"),
            r.headers().get("Retry-After"), r.headers().get("Allow"),
            r.headers().get("Connection"), r.content().toString(UTF_8)));
      } finally {
        r.release();
      }
    }
    return responses;
  }

  /** Exactly one new response. */
  Response response() {
    List<Response> all = responses();
    if (all.size() != 1) {
      throw new AssertionError("expected one response, got " + all);
    }
    return all.get(0);
  }

  double count(IngestMeters.Outcome outcome) {
    return meters.requestCount(outcome);
  }

  @Override
  public void close() {
    channel.finishAndReleaseAll();
    client.finishAndReleaseAll();
    registry.close();
  }

  record Response(int status, String contentType, String retryAfter, String allow,
      String connection, String body) {}
}
