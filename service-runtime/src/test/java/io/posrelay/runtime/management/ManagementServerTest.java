package io.posrelay.runtime.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ManagementServer server =
      ManagementServer.start("test", "127.0.0.1", 0, "management.port", registry);
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void tearDown() {
    server.close();
    registry.close();
  }

  @Test
  void getMetrics_servesPrometheusText() throws Exception {
    Counter.builder("posrelay.ledger.results").register(registry).increment();

    HttpResponse<String> response = get("/metrics", "GET");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain"));
    assertThat(response.body()).contains("posrelay_ledger_results_total 1.0");
  }

  @Test
  void otherPathOrMethod_isRefused() throws Exception {
    assertThat(get("/other", "GET").statusCode()).isEqualTo(404);
    assertThat(get("/metrics", "DELETE").statusCode()).isEqualTo(405);
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(5))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
