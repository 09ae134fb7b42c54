package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.kafka.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerConsumerTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final TopicPartition RESULTS_0 = new TopicPartition(Topics.RESULTS, 0);
  private static final TopicPartition RESULTS_1 = new TopicPartition(Topics.RESULTS, 1);
  private static final TopicPartition CLAIMS_0 = new TopicPartition(Topics.CLAIMS, 0);

  private final MockConsumer<byte[], byte[]> mock = new MockConsumer<>("earliest");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final DeliveryLedger ledger =
      new DeliveryLedger(
          Clock.systemUTC(), Duration.ofSeconds(3), Duration.ofSeconds(5), 1000, registry);
  private final AtomicInteger caughtUpCalls = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private LedgerConsumer consumer;

  @BeforeEach
  void setUp() {
    mock.updatePartitions(Topics.RESULTS, List.of(partition(Topics.RESULTS, 0)));
    mock.updatePartitions(Topics.CLAIMS, List.of(partition(Topics.CLAIMS, 0)));
    mock.updateBeginningOffsets(Map.of(RESULTS_0, 0L, CLAIMS_0, 0L, RESULTS_1, 0L));
    mock.updateEndOffsets(Map.of(RESULTS_0, 2L, CLAIMS_0, 1L));
    consumer =
        new LedgerConsumer(
            mock,
            ledger,
            registry,
            new LedgerConsumer.Listener() {
              @Override
              public void caughtUp() {
                caughtUpCalls.incrementAndGet();
              }

              @Override
              public void failed(Throwable cause) {
                failure.set(cause);
              }
            },
            Duration.ZERO,
            null);
  }

  @AfterEach
  void tearDown() {
    consumer.close();
  }

  @Test
  void replaysBothTopicsFromTheBeginning_andSkipsABadRecord() throws Exception {
    consumer.start(WAIT);
    assertThat(mock.assignment()).containsExactlyInAnyOrder(RESULTS_0, CLAIMS_0);
    assertThat(consumer.isCaughtUp()).isFalse();

    mock.addRecord(record(RESULTS_0, 0, result("r1", "T1", Instant.now()).toByteArray()));
    mock.addRecord(record(RESULTS_0, 1, new byte[] {0x0A, 0x05}));
    mock.addRecord(
        record(CLAIMS_0, 0,
            claim("r1", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED).toByteArray()));

    assertThat(consumer.awaitCaughtUp(WAIT)).isTrue();
    assertThat(caughtUpCalls).hasValue(1);
    assertThat(ledger.get("r1").orElseThrow().getStatus())
        .isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    assertThat(
            registry.get(LedgerMeters.BAD_RECORDS).tag("topic", Topics.RESULTS).counter().count())
        .isEqualTo(1);
  }

  @Test
  void emptyTopics_areCaughtUpWhenStartReturns() {
    mock.updateEndOffsets(Map.of(RESULTS_0, 0L, CLAIMS_0, 0L));

    consumer.start(WAIT);

    assertThat(consumer.isCaughtUp()).isTrue();
    assertThat(caughtUpCalls).hasValue(1);
  }

  @Test
  void partitionAddedLater_isAssignedAndReadFromTheBeginning() {
    consumer.start(WAIT);

    mock.updatePartitions(
        Topics.RESULTS, List.of(partition(Topics.RESULTS, 0), partition(Topics.RESULTS, 1)));
    await().atMost(WAIT).until(() -> mock.assignment().contains(RESULTS_1));
    mock.addRecord(record(RESULTS_1, 0, result("r9", "T9", Instant.now()).toByteArray()));

    await().atMost(WAIT).until(() -> ledger.get("r9").isPresent());
  }

  @Test
  void fatalKafkaError_stopsTheConsumerAndIsReported() {
    consumer.start(WAIT);

    mock.setPollException(new KafkaException("broker says no"));

    await().atMost(WAIT).until(() -> failure.get() != null);
    assertThat(failure.get()).hasMessageContaining("broker says no");
    await().atMost(WAIT).until(mock::closed);
  }

  @Test
  void close_closesTheKafkaConsumer() {
    consumer.start(WAIT);

    consumer.close();

    assertThat(mock.closed()).isTrue();
  }

  private static PartitionInfo partition(String topic, int partition) {
    return new PartitionInfo(topic, partition, null, null, null);
  }

  private static ConsumerRecord<byte[], byte[]> record(TopicPartition tp, long offset, byte[] v) {
    return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "T1".getBytes(), v);
  }
}
