package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BroadcastConsumerTest {
  private static final String TOPIC = "posrelay.results";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
  private static final TopicPartition P2 = new TopicPartition(TOPIC, 2);

  private final MockConsumer<String, PaymentResult> mock = new MockConsumer<>("latest");
  private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
  private final List<PaymentResult> dispatched = new CopyOnWriteArrayList<>();
  private final BroadcastConsumer<PaymentResult> consumer =
      new BroadcastConsumer<>(mock, TOPIC, dispatched::add,
          new RelayMeters(meterRegistry)::consumerError, Duration.ofHours(1), "test-results");

  @AfterEach
  void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  private static PartitionInfo partition(int p) {
    Node node = new Node(1, "127.0.0.1", 9092);
    return new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node});
  }

  private static ConsumerRecord<String, PaymentResult> record(TopicPartition tp, long offset,
      String resultId) {
    PaymentResult result =
        PaymentResult.newBuilder().setResultId(resultId).setTerminalId("T-1").build();
    return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, "T-1", result);
  }

  private double errors(String kind) {
    return meterRegistry.get(RelayMeters.RESULTS_ERRORS).tag("kind", kind).counter().count();
  }

  @Test
  void start_assignsEveryPartitionAtItsEnd_withoutAGroup() {
    mock.updatePartitions(TOPIC, List.of(partition(0), partition(1)));
    mock.updateEndOffsets(Map.of(P0, 5L, P1, 3L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    assertThat(mock.assignment()).containsExactlyInAnyOrder(P0, P1);
    assertThat(mock.subscription()).isEmpty();
    assertThat(mock.position(P0)).isEqualTo(5);
    assertThat(mock.position(P1)).isEqualTo(3);
  }

  @Test
  void everyRecord_isDispatched() {
    mock.updatePartitions(TOPIC, List.of(partition(0), partition(1)));
    mock.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.addRecord(record(P0, 0, "r-1"));
    mock.addRecord(record(P1, 0, "r-2"));
    consumer.pollOnce();
    assertThat(dispatched).extracting(PaymentResult::getResultId)
        .containsExactlyInAnyOrder("r-1", "r-2");
  }

  @Test
  void badRecord_isCountedAndSkipped() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 7L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.setPollException(
        new RecordDeserializationException(DeserializationExceptionOrigin.VALUE, P0, 7, 0L,
            TimestampType.CREATE_TIME, null, null, new RecordHeaders(), "not a PaymentResult",
            null));
    consumer.pollOnce();
    assertThat(errors("bad_record")).isEqualTo(1);
    assertThat(mock.position(P0)).isEqualTo(8);
    mock.addRecord(record(P0, 8, "r-8"));
    consumer.pollOnce();
    assertThat(dispatched).extracting(PaymentResult::getResultId).containsExactly("r-8");
  }

  @Test
  void tombstone_isCountedAsBadRecord() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "T-1", null));
    consumer.pollOnce();
    assertThat(dispatched).isEmpty();
    assertThat(errors("bad_record")).isEqualTo(1);
  }

  @Test
  void retriableError_isCountedAndPollingGoesOn() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.setPollException(new TimeoutException("broker slow"));
    consumer.pollOnce();
    assertThat(errors("retriable")).isEqualTo(1);
    mock.addRecord(record(P0, 0, "r-0"));
    consumer.pollOnce();
    assertThat(dispatched).hasSize(1);
  }

  @Test
  void addedPartition_isReadFromItsBeginning() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 10L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.updatePartitions(TOPIC, List.of(partition(0), partition(1), partition(2)));
    mock.updateBeginningOffsets(Map.of(P1, 0L, P2, 0L));
    consumer.refreshAssignment();
    assertThat(mock.assignment()).containsExactlyInAnyOrder(P0, P1, P2);
    assertThat(mock.position(P0)).isEqualTo(10);
    assertThat(mock.position(P1)).isZero();
    assertThat(mock.position(P2)).isZero();
  }

  @Test
  void pollThread_dispatchesUntilClosed_andClosesTheConsumer() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    consumer.start(Duration.ofSeconds(1));
    mock.schedulePollTask(() -> mock.addRecord(record(P0, 0, "r-0")));
    await().atMost(Duration.ofSeconds(5)).until(() -> dispatched.size() == 1);
    consumer.close(Duration.ofSeconds(5));
    assertThat(mock.closed()).isTrue();
  }
}
