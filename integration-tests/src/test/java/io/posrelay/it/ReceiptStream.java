package io.posrelay.it;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.testkit.ilk.IlkReceiptReceiver.ReceivedReceipt;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The receipt drills' stream of ledger transitions, produced straight to {@code
 * posrelay.delivery-events} keyed by terminal id, as admin-api's ledger writes them: per result a
 * {@code DELIVERING} transition (no receipt) and then {@code DELIVERED} with its payment result,
 * except every {@value #REVERSAL_EVERY}th result, which goes straight from {@code PENDING} to
 * {@code REVERSAL_REQUIRED} (unclaimed). Each result of a terminal is produced after the one
 * before it, so a terminal's receipts must arrive in that order.
 *
 * <p>Used from the test thread only.
 */
final class ReceiptStream implements AutoCloseable {
  private static final int REVERSAL_EVERY = 5;

  private final KafkaProducer<String, DeliveryEvent> producer;
  private final List<String> terminals = new ArrayList<>();
  private final Map<String, List<String>> resultsByTerminal = new LinkedHashMap<>();
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
  private int results;
  private int reversals;
  private int events;

  /** Produces for {@code terminals} terminals named {@code prefix-T<n>}. */
  ReceiptStream(String bootstrap, String prefix, int terminals) {
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), EventSerdes.deliveryEvent().serializer());
    for (int i = 0; i < terminals; i++) {
      String tid = prefix + "-T" + i;
      this.terminals.add(tid);
      resultsByTerminal.put(tid, new ArrayList<>());
    }
  }

  /**
   * Sets {@code group}'s committed offsets on the delivery-events topic to its current end, so that
   * a receipt sender of that new group starts at this drill's events, not at the earlier tests'
   * (a new group starts from the earliest retained event).
   */
  static void startGroupAtEnd(KafkaCluster kafka, String group) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
      for (int p = 0; p < KafkaCluster.PARTITIONS; p++) {
        latest.put(new TopicPartition(Topics.DELIVERY_EVENTS, p), OffsetSpec.latest());
      }
      Map<TopicPartition, ListOffsetsResultInfo> ends =
          admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetAndMetadata> commits = new LinkedHashMap<>();
      ends.forEach((tp, end) -> commits.put(tp, new OffsetAndMetadata(end.offset())));
      admin.alterConsumerGroupOffsets(group, commits).all().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Produces the transitions of {@code count} more results, round-robin over the terminals, and
   * waits until the broker acknowledged all of them.
   *
   * @throws IllegalStateException if one was not stored
   */
  void produce(int count) {
    for (int i = 0; i < count; i++) {
      String tid = terminals.get(results % terminals.size());
      String resultId = tid + "-R" + results;
      boolean reversal = results % REVERSAL_EVERY == REVERSAL_EVERY - 1;
      results++;
      resultsByTerminal.get(tid).add(resultId);
      if (reversal) {
        reversals++;
        send(event(tid, resultId, DeliveryStatus.DELIVERY_STATUS_PENDING,
            DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
            .setReason(FailureReason.FAILURE_REASON_UNCLAIMED)
            .setPaymentResult(payment(tid, resultId)));
      } else {
        send(event(tid, resultId, DeliveryStatus.DELIVERY_STATUS_PENDING,
            DeliveryStatus.DELIVERY_STATUS_DELIVERING).setNodeId("relay-1"));
        send(event(tid, resultId, DeliveryStatus.DELIVERY_STATUS_DELIVERING,
            DeliveryStatus.DELIVERY_STATUS_DELIVERED).setNodeId("relay-1")
            .setPaymentResult(payment(tid, resultId)));
      }
    }
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException("drill: a delivery event was not stored", sendFailure.get());
    }
  }

  private void send(DeliveryEvent.Builder event) {
    events++;
    producer.send(new ProducerRecord<>(Topics.DELIVERY_EVENTS, event.getTerminalId(),
        event.build()), (metadata, e) -> {
          if (e != null) {
            sendFailure.compareAndSet(null, e);
          }
        });
  }

  private static DeliveryEvent.Builder event(String tid, String resultId, DeliveryStatus from,
      DeliveryStatus to) {
    return DeliveryEvent.newBuilder().setResultId(resultId).setTerminalId(tid).setFrom(from)
        .setTo(to).setAt(now()).setAttempt(1);
  }

  private static PaymentResult payment(String tid, String resultId) {
    return PaymentResult.newBuilder().setResultId(resultId).setTransactionId("TX-" + resultId)
        .setTerminalId(tid).setMerchantId("MID-77").setResultCode("0000")
        .setApprovalNumber("30012345").setAmount(15_000).setCurrency("KRW").setAttempt(1)
        .setReceivedAt(now()).build();
  }

  private static Timestamp now() {
    Instant now = Instant.now();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }

  /** Every result produced: each must get exactly one final receipt. */
  List<String> resultIds() {
    return resultsByTerminal.values().stream().flatMap(List::stream).toList();
  }

  /** Results produced so far. */
  int results() {
    return results;
  }

  /** Of which REVERSAL_REQUIRED. */
  int reversals() {
    return reversals;
  }

  /** Delivery events produced so far (those that call for no receipt included). */
  int events() {
    return events;
  }

  /**
   * The terminals whose results' first receipts did not arrive in the order the results were
   * produced, each with the order seen; empty when per-terminal order held. A receipt sent again
   * (after a restart or a retry) does not count: ILK deduplicates it.
   */
  Map<String, List<String>> outOfOrder(List<ReceivedReceipt> received) {
    Map<String, List<String>> firstSeen = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (ReceivedReceipt r : received) {
      if (resultsByTerminal.containsKey(r.terminalId()) && seen.add(r.resultId())) {
        firstSeen.computeIfAbsent(r.terminalId(), k -> new ArrayList<>()).add(r.resultId());
      }
    }
    return firstSeen.entrySet().stream()
        .filter(e -> !resultsByTerminal.get(e.getKey()).subList(0, e.getValue().size())
            .equals(e.getValue()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
