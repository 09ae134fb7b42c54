package io.posrelay.it;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays ilk-ingest and the relay nodes towards the ledger by producing results and claims
 * directly, and reads the ledger's {@code posrelay.delivery-events} back (read_committed).
 */
final class LedgerEvents implements AutoCloseable {
  private final String bootstrap;
  private final KafkaProducer<String, PaymentResult> results;
  private final KafkaProducer<String, DeliveryClaim> claims;

  LedgerEvents(String bootstrap) {
    this.bootstrap = bootstrap;
    Map<String, Object> config = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 0);
    results = new KafkaProducer<>(config, new StringSerializer(),
        EventSerdes.paymentResult().serializer());
    claims = new KafkaProducer<>(config, new StringSerializer(),
        EventSerdes.deliveryClaim().serializer());
  }

  /** Publishes a result of {@code terminalId} and returns its result_id. */
  String result(String terminalId, String merchantId, Instant receivedAt) {
    String resultId = UUID.randomUUID().toString();
    results.send(new ProducerRecord<>(Topics.RESULTS, terminalId, PaymentResult.newBuilder()
        .setResultId(resultId)
        .setTransactionId("tx-" + resultId)
        .setTerminalId(terminalId)
        .setMerchantId(merchantId)
        .setResultCode("0000")
        .setAmount(1_000)
        .setCurrency("KRW")
        .setReceivedAt(Timestamp.newBuilder().setSeconds(receivedAt.getEpochSecond())
            .setNanos(receivedAt.getNano()))
        .setAttempt(1)
        .build()));
    return resultId;
  }

  /** Publishes a claim as relay node {@code nodeId} would. */
  void claim(String terminalId, String resultId, String nodeId, DeliveryClaim.Outcome outcome) {
    claims.send(new ProducerRecord<>(Topics.CLAIMS, terminalId, DeliveryClaim.newBuilder()
        .setResultId(resultId)
        .setTerminalId(terminalId)
        .setNodeId(nodeId)
        .setSessionId("session-" + nodeId)
        .setOutcome(outcome)
        .setAttempt(1)
        .build()));
  }

  void flush() {
    results.flush();
    claims.flush();
  }

  /** Every committed delivery event about {@code resultIds} in the topic now. */
  List<DeliveryEvent> committedEventsAbout(Set<String> resultIds) {
    try (KafkaConsumer<String, DeliveryEvent> consumer = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
        new StringDeserializer(), EventSerdes.deliveryEvent().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(Topics.DELIVERY_EVENTS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<DeliveryEvent> events = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + Topics.DELIVERY_EVENTS + " to its end");
        }
        for (ConsumerRecord<String, DeliveryEvent> r : consumer.poll(Duration.ofMillis(200))) {
          if (resultIds.contains(r.value().getResultId())) {
            events.add(r.value());
          }
        }
      }
      return events;
    }
  }

  @Override
  public void close() {
    results.close(Duration.ofSeconds(5));
    claims.close(Duration.ofSeconds(5));
  }
}
