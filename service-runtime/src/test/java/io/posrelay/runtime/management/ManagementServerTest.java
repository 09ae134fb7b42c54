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
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ManagementServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<Health.Status> reader =
      new AtomicReference<>(Health.Status.up("reading"));
  private final Health health = new Health("test")
      .readiness("results-reader", reader::get)
      .liveness("workers", List.<Executor>of(Runnable::run));
  private final ManagementServer server =
      ManagementServer.start("test", "127.0.0.1", 0, "management.port", registry, health);
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
    assertThat(get(ManagementServer.READY_PATH, "POST").statusCode()).isEqualTo(405);
    assertThat(get("/health", "GET").statusCode()).isEqualTo(404);
  }

  @Test
  void ready_is200WithTheComponentsAsJson_then503WhenOneIsDown() throws Exception {
    HttpResponse<String> ready = get(ManagementServer.READY_PATH, "GET");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
    assertThat(ready.body()).isEqualTo(health.ready().toJson())
        .contains("\"results-reader\":{\"status\":\"UP\",\"detail\":\"reading\"}");

    reader.set(Health.Status.down("died at posrelay.results-0@3"));

    HttpResponse<String> notReady = get(ManagementServer.READY_PATH, "GET");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).startsWith("{\"service\":\"test\",\"status\":\"DOWN\"")
        .contains("died at posrelay.results-0@3");
    assertThat(get(ManagementServer.LIVE_PATH, "GET").statusCode())
        .as("a dead reader is not ready, but the process is live").isEqualTo(200);
  }

  @Test
  void paths_areTheOnesProbesAndManifestsName() {
    assertThat(ManagementServer.LIVE_PATH).isEqualTo("/health/live");
    assertThat(ManagementServer.READY_PATH).isEqualTo("/health/ready");
    assertThat(ManagementServer.METRICS_PATH).isEqualTo("/metrics");
  }

  @Test
  void live_is200WhileTheWorkersAnswer() throws Exception {
    HttpResponse<String> live = get(ManagementServer.LIVE_PATH, "GET");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).contains("\"workers\":{\"status\":\"UP\"");
  }

  @Test
  void aServerWithoutHealthComponents_isLiveAndReadyUntilStopping() throws Exception {
    try (ManagementServer plain =
        ManagementServer.start("test", "127.0.0.1", 0, "management.port", registry)) {
      HttpResponse<String> ready = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + plain.port() + ManagementServer.READY_PATH))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    }
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
