package io.posrelay.ingest.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ingest.metrics.ReceiptMeters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender against a MockConsumer, a MockProducer and a scripted poster: no broker, no socket. */
class ReceiptSenderTest {
  private static final String TOPIC = "posrelay.delivery-events";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  private final MockConsumer<String, DeliveryEvent> consumer = new MockConsumer<>("earliest");
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final ScriptedPoster poster = new ScriptedPoster();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ReceiptSender sender;

  private ReceiptSender start(Duration maxAge) {
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0, P1)));
    sender = new ReceiptSender(consumer, producer, poster,
        new ReceiptSender.Settings(TOPIC, "posrelay.receipts-dlq",
            new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(40), maxAge),
            Duration.ofSeconds(1)),
        new ReceiptMeters(registry), Clock.systemUTC()).start();
    return sender;
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
  }

  private void add(TopicPartition tp, long offset, String resultId, DeliveryStatus to) {
    DeliveryEvent event = DeliveryEvent.newBuilder().setResultId(resultId).setTerminalId("T1")
        .setTo(to).build();
    consumer.schedulePollTask(() -> consumer.addRecord(
        new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "T1", event)));
  }

  private long committed(TopicPartition tp) {
    OffsetAndMetadata o = consumer.committed(Set.of(tp)).get(tp);
    return o == null ? -1 : o.offset();
  }

  @Test
  void receiptWorthyEvents_areSentInOrder_othersSkipped_andTheOffsetCommittedPastThem() {
    poster.always(new SendOutcome.Sent(200));
    start(Duration.ofHours(1));
    add(P0, 0, "r1", DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    add(P0, 1, "r2", DeliveryStatus.DELIVERY_STATUS_FAILED);
    add(P0, 2, "r3", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);

    await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 3);
    assertThat(poster.posted).extracting(Receipt::resultId).containsExactly("r1", "r3");
    assertThat(poster.posted).extracting(Receipt::kind)
        .containsExactly(ReceiptKind.DELIVERED, ReceiptKind.REVERSAL_REQUIRED);
    assertThat(registry.get(ReceiptMeters.RECEIPTS).tag("kind", "delivered")
        .tag("outcome", "sent").counter().count()).isEqualTo(1);
  }

  @Test
  void aFailingReceipt_holdsBackItsPartitionOnly_andIsRetriedUntilAccepted() {
    poster.script("a1", new SendOutcome.Retry("HTTP 503", null),
        new SendOutcome.Retry("timeout", null));
    poster.always(new SendOutcome.Sent(200));
    start(Duration.ofHours(1));
    add(P0, 0, "a1", DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    add(P0, 1, "a2", DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    add(P1, 0, "b1", DeliveryStatus.DELIVERY_STATUS_DELIVERED);

    await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 2 && committed(P1) == 1);
    List<String> order = poster.posted.stream().map(Receipt::resultId).toList();
    assertThat(order).containsSubsequence("a1", "a1", "a1", "a2");
    assertThat(order.indexOf("b1")).as("b1 is not held back by a1").isLessThan(order.lastIndexOf("a1"));
    assertThat(order.indexOf("a2")).isGreaterThan(order.lastIndexOf("a1"));
    assertThat(registry.get(ReceiptMeters.RECEIPTS).tag("outcome", "retried").counters())
        .extracting(c -> c.count()).contains(2.0);
  }

  @Test
  void aRefusedReceipt_isDeadLetteredWithItsReason_thenCommitted() {
    poster.script("x1", new SendOutcome.Refused(400));
    poster.always(new SendOutcome.Sent(200));
    start(Duration.ofHours(1));
    add(P0, 0, "x1", DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    add(P0, 1, "x2", DeliveryStatus.DELIVERY_STATUS_DELIVERED);

    await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 2);
    assertThat(producer.history()).singleElement().satisfies(r -> {
      assertThat(r.topic()).isEqualTo("posrelay.receipts-dlq");
      assertThat(new String(r.headers().lastHeader(DeadLetters.REASON).value(), UTF_8))
          .isEqualTo("refused");
      assertThat(new String(r.headers().lastHeader(DeadLetters.DETAIL).value(), UTF_8))
          .isEqualTo("HTTP 400");
      assertThat(new String(r.value(), UTF_8)).contains("\"resultId\":\"x1\"");
    });
    assertThat(registry.get(ReceiptMeters.DEAD_LETTERS).tag("reason", "refused").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void aReceiptRetriedPastItsMaxAge_isDeadLetteredAsExpired() {
    poster.always(new SendOutcome.Retry("HTTP 503", null));
    start(Duration.ofSeconds(1));
    DeliveryEvent old = DeliveryEvent.newBuilder().setResultId("old").setTerminalId("T1")
        .setTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED)
        .setAt(com.google.protobuf.Timestamp.newBuilder()
            .setSeconds(Instant.now().minusSeconds(60).getEpochSecond())).build();
    consumer.schedulePollTask(() -> consumer.addRecord(
        new ConsumerRecord<>(TOPIC, 0, 0, "T1", old)));

    await().atMost(Duration.ofSeconds(10)).until(() -> committed(P0) == 1);
    assertThat(producer.history()).singleElement().satisfies(r -> assertThat(
        new String(r.headers().lastHeader(DeadLetters.REASON).value(), UTF_8))
        .isEqualTo("expired"));
  }

  /** Answers each POST from a script, then with a default; records every receipt posted. */
  static final class ScriptedPoster implements ReceiptPoster {
    final List<Receipt> posted = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<SendOutcome>> scripts = new java.util.HashMap<>();
    private SendOutcome otherwise = new SendOutcome.Sent(200);

    /** The first answers to the receipts of {@code resultId}. */
    synchronized void script(String resultId, SendOutcome... outcomes) {
      scripts.computeIfAbsent(resultId, r -> new ArrayDeque<>()).addAll(List.of(outcomes));
    }

    synchronized void always(SendOutcome outcome) {
      otherwise = outcome;
    }

    @Override
    public synchronized CompletableFuture<SendOutcome> post(Receipt receipt, byte[] body) {
      posted.add(receipt);
      Deque<SendOutcome> script = scripts.get(receipt.resultId());
      SendOutcome next = script == null || script.isEmpty() ? otherwise : script.removeFirst();
      return CompletableFuture.supplyAsync(() -> next);
    }

    @Override
    public void close() {}
  }
}
