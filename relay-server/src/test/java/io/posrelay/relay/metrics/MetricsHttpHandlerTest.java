package io.posrelay.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MetricsHttpHandlerTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private FullHttpResponse request(HttpMethod method, String uri) {
    EmbeddedChannel ch = new EmbeddedChannel(new MetricsHttpHandler(registry));
    ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    return ch.readOutbound();
  }

  @Test
  void getMetrics_servesPrometheusTextWithTheRelayMeters() {
    RelayMeters meters = new RelayMeters(registry);
    meters.resultIgnored();
    meters.failed(io.posrelay.v1.FailureReason.FAILURE_REASON_ACK_TIMEOUT);
    FullHttpResponse response = request(HttpMethod.GET, "/metrics");
    String body = response.content().toString(StandardCharsets.UTF_8);
    response.release();
    assertThat(response.status()).isEqualTo(HttpResponseStatus.OK);
    assertThat(response.headers().get("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(body)
        .contains("posrelay_relay_results_ignored_total 1.0")
        .contains("posrelay_relay_deliveries_total{outcome=\"failed\",reason=\"ack_timeout\"} 1.0")
        .contains("posrelay_relay_delivery_latency_seconds_count 0");
  }

  @Test
  void otherPath_isNotFound() {
    FullHttpResponse response = request(HttpMethod.GET, "/");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    response.release();
  }

  @Test
  void otherMethod_isNotAllowed() {
    FullHttpResponse response = request(HttpMethod.POST, "/metrics");
    assertThat(response.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
    response.release();
  }
}
