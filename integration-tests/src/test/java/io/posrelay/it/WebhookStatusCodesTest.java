package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each webhook input against a real broker: what is stored gets 202, nothing else does. */
@ExtendWith(SharedKafka.class)
class WebhookStatusCodesTest {
  private static IlkIngestServer ingest;
  private static Webhook webhook;
  private static KafkaCluster kafka;

  @BeforeAll
  static void start(KafkaCluster cluster) throws Exception {
    kafka = cluster;
    ingest = IlkIngestServer.start(TestConfigs.ingest(cluster.bootstrapServers()).build());
    webhook = new Webhook(ingest.port());
  }

  @AfterAll
  static void stop() throws Exception {
    ingest.close();
  }

  @Test
  void validCallback_is202_andTheRecordIsOnTheResultsTopicKeyedByTerminal() throws Exception {
    String tx = Webhook.newTransactionId();
    String tid = "WH-" + Long.toString(System.nanoTime(), 36);

    HttpResponse<String> response = webhook.post(Webhook.approval(tx, tid, 42));

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).contains("\"resultId\"").contains(IlkResultIds.resultIdOf(tx));
    List<ConsumerRecord<String, PaymentResult>> records = readAllResults();
    assertThat(records)
        .filteredOn(r -> r.value().getTransactionId().equals(tx))
        .singleElement()
        .satisfies(r -> {
          assertThat(r.key()).isEqualTo(tid);
          assertThat(r.value().getAmount()).isEqualTo(42);
          assertThat(r.value().getResultId()).isEqualTo(IlkResultIds.resultIdOf(tx));
        });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      missing transactionId | {"terminalId":"T1","resultCode":"0000","amount":1}                        | transactionId
      long transactionId    | {"transactionId":"%s","terminalId":"T1","resultCode":"0000","amount":1}   | transactionId
      bad terminalId        | {"transactionId":"t","terminalId":"T 1","resultCode":"0000","amount":1}   | terminalId
      missing resultCode    | {"transactionId":"t","terminalId":"T1","amount":1}                        | resultCode
      negative amount       | {"transactionId":"t","terminalId":"T1","resultCode":"0000","amount":-1}   | amount
      fractional amount     | {"transactionId":"t","terminalId":"T1","resultCode":"0000","amount":1.5}  | amount
      amount as string      | {"transactionId":"t","terminalId":"T1","resultCode":"0000","amount":"1"}  | amount
      approvedAt no offset  | {"transactionId":"t","terminalId":"T1","resultCode":"0000","amount":1,"approvedAt":"2026-11-29T12:00:00"} | approvedAt
      full card number      | {"transactionId":"t","terminalId":"T1","resultCode":"0000","amount":1,"cardNumberMasked":"4111111111111111"} | cardNumberMasked
      """)
  void invalidField_is400NamingTheField(String name, String body, String field) throws Exception {
    HttpResponse<String> response = webhook.post(body.replace("%s", "x".repeat(65)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"" + field + "\"");
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("application/json"));
  }

  @Test
  void malformedJson_is400() throws Exception {
    HttpResponse<String> response = webhook.post("{\"transactionId\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("error");
  }

  @Test
  void wrongContentType_is415() throws Exception {
    HttpResponse<String> response =
        webhook.post(Webhook.approval(Webhook.newTransactionId(), "T1", 1), "text/plain");

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void wrongMethod_is405() throws Exception {
    HttpResponse<String> response = webhook.send(HttpRequest.newBuilder(webhook.uri()).GET().build());

    assertThat(response.statusCode()).isEqualTo(405);
  }

  @Test
  void bodyOver64KiB_is413() throws Exception {
    String padding = "x".repeat(70 * 1024);
    HttpResponse<String> response =
        webhook.post("{\"transactionId\":\"t\",\"pad\":\"" + padding + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
  }

  /**
   * Kafka going away under a running ilk-ingest. ilk-ingest checks its topic at start, so it runs
   * against a broker of its own, which is stopped once a first callback was stored. The next
   * callback is answered 503 with Retry-After (the HTTP request's own 30 s timeout is the only
   * bound on when), and is not stored: ilk-ingest's producer gives the record up (nothing stays in
   * flight), and once the broker is back its results topic holds the first callback's result and
   * not this one's.
   */
  @Test
  void kafkaUnreachable_is503WithRetryAfter_andNothingIsStored(@TempDir Path brokerDir)
      throws Exception {
    int port = LocalPorts.pickFree();
    int controllerPort = LocalPorts.pickFree();
    List<EmbeddedKafka> brokers = new ArrayList<>();
    try {
      brokers.add(startBroker(brokerDir, port, controllerPort));
      String bootstrap = brokers.get(0).bootstrapServers();
      try (IlkIngestServer own = IlkIngestServer.start(TestConfigs.ingest(bootstrap)
          .set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofSeconds(2)).build())) {
        Webhook ownWebhook = new Webhook(own.port());
        String storedTx = Webhook.newTransactionId();
        assertThat(ownWebhook.post(Webhook.approval(storedTx, "T503", 1)).statusCode())
            .isEqualTo(202);

        brokers.get(0).close();
        String refusedTx = Webhook.newTransactionId();
        HttpResponse<String> response =
            ownWebhook.post(Webhook.approval(refusedTx, "T503", 1));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After"))
            .hasValueSatisfying(seconds -> assertThat(Integer.parseInt(seconds)).isPositive());
        assertThat(response.body()).contains("\"error\":\"unavailable\"");
        await().atMost(Duration.ofSeconds(30)).until(() ->
            own.meterRegistry().get(IngestMeters.PUBLISH_IN_FLIGHT).gauge().value() == 0);

        brokers.add(startBroker(brokerDir, port, controllerPort));
        assertThat(readAllResults(bootstrap))
            .extracting(r -> r.value().getTransactionId())
            .contains(storedTx)
            .doesNotContain(refusedTx);
      }
    } finally {
      brokers.forEach(EmbeddedKafka::close);
    }
  }

  /** A single-node broker of its own, with the POS Relay topics; restarted on the same dir. */
  private static EmbeddedKafka startBroker(Path dir, int port, int controllerPort)
      throws Exception {
    EmbeddedKafka broker = EmbeddedKafka.start(dir, port, controllerPort, KafkaCluster.PARTITIONS);
    try {
      KafkaTopics.awaitReady(broker.bootstrapServers(), Duration.ofSeconds(60));
      KafkaTopics.create(broker.bootstrapServers(), KafkaCluster.PARTITIONS,
          Duration.ofSeconds(60));
      return broker;
    } catch (Exception | Error e) {
      broker.close();
      throw e;
    }
  }

  private static List<ConsumerRecord<String, PaymentResult>> readAllResults() {
    return readAllResults(kafka.bootstrapServers());
  }

  private static List<ConsumerRecord<String, PaymentResult>> readAllResults(String bootstrap) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, PaymentResult> consumer = new KafkaConsumer<>(
        config, new StringDeserializer(), EventSerdes.paymentResult().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESULTS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition()))
          .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, PaymentResult>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read the results topic to its end");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }
}
