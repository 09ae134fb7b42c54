package io.posrelay.ingest;

import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.ingest.callback.IlkResultIds;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IlkIngestServerTest {

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  private IlkIngestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private static IlkIngestConfig.Builder localConfig() {
    return IlkIngestConfig.builder().host("127.0.0.1").port(0);
  }

  private static MockProducer<String, PaymentResult> mockProducer(boolean autoComplete) {
    return new MockProducer<>(autoComplete, null, new StringSerializer(),
        new ProtobufSerializer<PaymentResult>());
  }

  private HttpRequest post(String body) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/ilk/v1/results"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void callbackOverTcp_isStoredAndAnswered202_andCountedInMetrics() throws Exception {
    MockProducer<String, PaymentResult> producer = mockProducer(true);
    server = IlkIngestServer.start(localConfig().build(), producer,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));

    HttpResponse<String> response = http.send(post(VALID), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains(IlkResultIds.resultIdOf("TX-1"));
    assertThat(producer.history()).extracting(r -> r.key()).containsExactly("CAT-1");
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("posrelay_ingest_requests_total{outcome=\"accepted\"} 1.0")
        .contains("posrelay_ingest_publish_latency_seconds_count{outcome=\"acked\"} 1")
        .contains("jvm_memory_used_bytes")
        .contains("posrelay_ingest_connections");
    assertThat(server.meterRegistry().scrape()).contains("posrelay_ingest_requests_total");
  }

  @Test
  void close_waitsForTheInFlightPublish_whoseCallerStillGets202() throws Exception {
    MockProducer<String, PaymentResult> producer = mockProducer(false);
    server = IlkIngestServer.start(localConfig().build(), producer,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(post(VALID), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    assertThat(closing).isNotDone();
    producer.completeNext();

    assertThat(pending.get().statusCode()).isEqualTo(202);
    closing.get();
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void unreachableBroker_isAnswered503_withinThePublishTimeout() throws Exception {
    server = IlkIngestServer.start(localConfig()
        .kafkaBootstrap("127.0.0.1:1")
        .publishTimeout(Duration.ofMillis(300))
        .idleTimeout(Duration.ofSeconds(5))
        .shutdownTimeout(Duration.ofSeconds(2))
        .build());

    long start = System.nanoTime();
    HttpResponse<String> response = http.send(post(VALID), HttpResponse.BodyHandlers.ofString());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body()).contains("\"error\":\"unavailable\"");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void close_isIdempotent_andReleasesThePort() throws Exception {
    server = IlkIngestServer.start(localConfig().build(), mockProducer(true),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    int port = server.port();

    server.close();
    server.close();

    IlkIngestServer again = IlkIngestServer.start(localConfig().port(port).build(),
        mockProducer(true), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    again.close();
  }

  @Test
  void portInUse_failsStartNamingTheAddress() {
    server = IlkIngestServer.start(localConfig().build(), mockProducer(true),
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    MockProducer<String, PaymentResult> second = mockProducer(true);

    assertThatThrownBy(() -> IlkIngestServer.start(localConfig().port(server.port()).build(),
        second, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + server.port());
    assertThat(second.closed()).isTrue();
  }
}
