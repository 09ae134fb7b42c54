package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.callback.IlkResultIds;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

  @Test
  void kafkaUnreachable_is503WithinThePublishTimeout_andNothingIsStored() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    try (IlkIngestServer orphan = IlkIngestServer.start(
        TestConfigs.ingest("127.0.0.1:" + deadPort)
            .set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofSeconds(2))
            .build())) {
      String tx = Webhook.newTransactionId();
      long started = System.nanoTime();

      HttpResponse<String> response = new Webhook(orphan.port()).post(Webhook.approval(tx, "T503", 1));

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(readAllResults()).noneMatch(r -> r.value().getTransactionId().equals(tx));
    }
  }

  private static List<ConsumerRecord<String, PaymentResult>> readAllResults() {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
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
