package io.posrelay.ingest;

import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ingest.kafka.KafkaContact;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.v1.PaymentResult;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
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

  /** Loopback, free ports for the webhook and the management listener. */
  static ServiceConfig.Builder localConfig() {
    return ServiceConfig.builder(IngestKeys.SPEC).set(ListenerKeys.HOST, "127.0.0.1")
        .set(IngestKeys.PORT, 0).set(IngestKeys.MANAGEMENT_PORT, 0);
  }

  private HttpRequest post(String body) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/ilk/v1/results"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void callbackOverTcp_isStoredAndAnswered202_andCountedInMetricsOnTheManagementPort()
      throws Exception {
    FakeKafka kafka = FakeKafka.acking();
    server = IlkIngestServer.start(localConfig().build(), kafka);

    HttpResponse<String> response = http.send(post(VALID), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains(IlkResultIds.resultIdOf("TX-1"));
    assertThat(kafka.producer.history()).extracting(r -> r.key()).containsExactly("CAT-1");
    assertThat(server.managementPort()).isNotEqualTo(server.port());
    HttpResponse<String> metrics = get(server.managementPort(), "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(metrics.body())
        .contains("posrelay_ingest_requests_total{outcome=\"accepted\"} 1.0")
        .contains("posrelay_ingest_publish_latency_seconds_count{outcome=\"acked\"} 1")
        .contains("posrelay_ingest_request_duration_seconds_count{outcome=\"accepted\"} 1")
        .contains("posrelay_ingest_request_duration_seconds_bucket{outcome=\"accepted\",le=\"3.0\"} 1")
        .contains("posrelay_ingest_request_duration_seconds_count{outcome=\"unavailable\"} 0")
        .contains("jvm_memory_used_bytes")
        .contains("posrelay_ingest_connections");
    assertThat(server.meterRegistry().scrape()).contains("posrelay_ingest_requests_total");
  }

  @Test
  void webhookPort_answersMetrics404_likeAnyUnknownPath() throws Exception {
    server = IlkIngestServer.start(localConfig().build(), FakeKafka.acking());

    HttpResponse<String> metrics = get(server.port(), "/metrics");

    assertThat(metrics.statusCode()).isEqualTo(404);
    assertThat(metrics.body()).contains("\"error\":\"not_found\"")
        .doesNotContain("posrelay_ingest_requests_total");
  }

  @Test
  void start_checksTheResultsTopicFirst_aMissingOneFailsBeforeTheProducerOrAPort()
      throws Exception {
    FakeKafka kafka = FakeKafka.topicCheckFails(new IllegalStateException(
        "topic(s) [posrelay.results] do not exist (expected: created with 'bin/relayctl topics"
            + " create', or the topic.* keys naming existing topics)"));

    assertThatThrownBy(() -> IlkIngestServer.start(localConfig().build(), kafka))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("posrelay.results");
    assertThat(kafka.calls).containsExactly("checkTopics");

    FakeKafka ok = FakeKafka.acking();
    try (IlkIngestServer started = IlkIngestServer.start(localConfig().build(), ok)) {
      assertThat(ok.calls).containsExactly("checkTopics", "resultsProducer");
      assertThat(started.port()).isPositive();
    }
  }

  @Test
  void ready_whileKafkaAnswers_503OnceItHasNotForTheWindow_andReadyAgainWhenItDoes()
      throws Exception {
    FakeKafka kafka = FakeKafka.acking();
    server = IlkIngestServer.start(localConfig()
        .set(IngestKeys.READY_KAFKA_WINDOW, Duration.ofSeconds(1)).build(), kafka);
    HttpResponse<String> ready = get(server.managementPort(), ManagementServer.READY_PATH);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).startsWith("{\"service\":\"ilk-ingest\",\"status\":\"UP\"")
        .contains("\"webhook-listener\":{\"status\":\"UP\",\"detail\":\"listening on")
        .contains("\"kafka\":{\"status\":\"UP\",\"detail\":\"Kafka answered");
    assertThat(get(server.managementPort(), ManagementServer.LIVE_PATH).statusCode())
        .isEqualTo(200);

    kafka.answers = false;
    await().atMost(Duration.ofSeconds(10)).until(
        () -> get(server.managementPort(), ManagementServer.READY_PATH).statusCode() == 503);
    assertThat(server.health().ready().components().get("kafka").detail())
        .contains("no answer from Kafka for").contains("fake: no broker answers");
    assertThat(get(server.managementPort(), ManagementServer.LIVE_PATH).statusCode())
        .as("Kafka down is not a reason to restart ingest").isEqualTo(200);

    kafka.answers = true;
    await().atMost(Duration.ofSeconds(10)).until(
        () -> get(server.managementPort(), ManagementServer.READY_PATH).statusCode() == 200);
  }

  @Test
  void readyLine_saysWhereItListens() throws Exception {
    server = IlkIngestServer.start(localConfig()
        .set(KafkaKeys.RESULTS_TOPIC, "ilk.results").build(), FakeKafka.acking());

    assertThat(server.readyLine()).isEqualTo("ilk-ingest ready: POST http://127.0.0.1:"
        + server.port() + "/ilk/v1/results, metrics http://127.0.0.1:" + server.managementPort()
        + "/metrics, kafka 127.0.0.1:9092 topic ilk.results, signatures OFF");
  }

  @Test
  void close_waitsForTheInFlightPublish_whoseCallerStillGets202() throws Exception {
    FakeKafka kafka = FakeKafka.manual();
    server = IlkIngestServer.start(localConfig().build(), kafka);
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(post(VALID), HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> kafka.producer.history().size() == 1);

    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    assertThat(closing).isNotDone();
    kafka.producer.completeNext();

    assertThat(pending.get().statusCode()).isEqualTo(202);
    closing.get();
    assertThat(kafka.producer.closed()).isTrue();
  }

  /**
   * A real producer, configured as ilk-ingest configures it, to a port where no broker listens:
   * its timeouts come from publish-timeout.ms, so the callback gets a 503 telling ILK to retry
   * (the HTTP request's own 10 s timeout bounds the wait).
   */
  @Test
  void unreachableBroker_isAnswered503WithRetryAfter() throws Exception {
    IngestKafka brokerAtPort1 = new IngestKafka() {
      @Override
      public void checkTopics(ServiceConfig config) {
        // no broker to ask: the publish itself must fail
      }

      @Override
      public Producer<String, PaymentResult> resultsProducer(ServiceConfig config) {
        return PaymentResultPublisher.createProducer(
            IngestKeys.resultsProducerProperties(config));
      }

      @Override
      public KafkaContact.Probe kafkaProbe(ServiceConfig config) {
        return IngestKafka.KAFKA.kafkaProbe(config);
      }
    };
    server = IlkIngestServer.start(localConfig()
        .set(KafkaKeys.BOOTSTRAP_SERVERS, "127.0.0.1:1")
        .set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(300))
        .set(IngestKeys.IDLE_TIMEOUT, Duration.ofSeconds(5))
        .set(IngestKeys.SHUTDOWN_TIMEOUT, Duration.ofSeconds(2))
        .build(), brokerAtPort1);

    HttpResponse<String> response = http.send(post(VALID), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
    assertThat(response.body()).contains("\"error\":\"unavailable\"");
  }

  @Test
  void close_isIdempotent_andReleasesThePorts() throws Exception {
    server = IlkIngestServer.start(localConfig().build(), FakeKafka.acking());
    int port = server.port();
    int managementPort = server.managementPort();

    server.close();
    server.close();

    IlkIngestServer again = IlkIngestServer.start(localConfig().set(IngestKeys.PORT, port)
        .set(IngestKeys.MANAGEMENT_PORT, managementPort).build(), FakeKafka.acking());
    again.close();
  }

  @Test
  void portInUse_failsStartNamingTheKeyAndTheAddress_andClosesTheProducer() throws Exception {
    server = IlkIngestServer.start(localConfig().build(), FakeKafka.acking());
    FakeKafka second = FakeKafka.acking();

    assertThatThrownBy(() -> IlkIngestServer.start(
        localConfig().set(IngestKeys.PORT, server.port()).build(), second))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("port: cannot bind 127.0.0.1:" + server.port());
    assertThat(second.producer.closed()).isTrue();
  }

  @Test
  void managementPortInUse_failsStartNamingIt_andClosesTheProducer() throws Exception {
    FakeKafka kafka = FakeKafka.acking();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> IlkIngestServer.start(localConfig()
          .set(IngestKeys.MANAGEMENT_PORT, taken.getLocalPort()).build(), kafka))
          .hasMessageStartingWith("management.port: cannot bind 127.0.0.1:"
              + taken.getLocalPort());
    }
    assertThat(kafka.producer.closed()).isTrue();
  }
}
