package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.KafkaException;
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
import org.slf4j.LoggerFactory;

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
          new RelayMeters(meterRegistry).deliveries()::consumerError, Duration.ofHours(1),
          "test-results");

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

  /** A reader of {@link #mock} that restarts as told, handing values to {@code handler}. */
  private BroadcastConsumer<PaymentResult> reader(java.util.function.Consumer<PaymentResult> handler,
      ReaderRestarts restarts) {
    return new BroadcastConsumer<>(mock, TOPIC, handler,
        new RelayMeters(meterRegistry).deliveries()::consumerError, Duration.ofHours(1),
        "test-results", restarts);
  }

  private ListAppender<ILoggingEvent> captureLog() {
    Logger logger = (Logger) LoggerFactory.getLogger(BroadcastConsumer.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  private static List<String> errorLines(ListAppender<ILoggingEvent> log) {
    return log.list.stream().filter(e -> e.getLevel() == Level.ERROR)
        .map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void recordTheHandlerRefusesAsMalformed_isCountedAndSkipped_andTheReaderGoesOn() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    BroadcastConsumer<PaymentResult> refusing = reader(result -> {
      if (result.getResultId().equals("r-bad")) {
        throw new MalformedRecordException("result_id=r-bad received_at out of range");
      }
      dispatched.add(result);
    }, ReaderRestarts.DEFAULT);
    ListAppender<ILoggingEvent> log = captureLog();
    try {
      refusing.assignAtEnd(Duration.ofSeconds(1));
      mock.addRecord(record(P0, 0, "r-bad"));
      mock.addRecord(record(P0, 1, "r-next"));
      refusing.pollOnce();
    } finally {
      ((Logger) LoggerFactory.getLogger(BroadcastConsumer.class)).detachAppender(log);
    }

    assertThat(dispatched).extracting(PaymentResult::getResultId).containsExactly("r-next");
    assertThat(errors("bad_record")).isEqualTo(1);
    assertThat(errors("handler_failure")).isZero();
    assertThat(errorLines(log)).isEmpty();
    assertThat(log.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "skipping bad record posrelay.results-0@0: result_id=r-bad received_at out of range");
  }

  @Test
  void handlerThatThrows_killsTheReader_oneErrorLineWithCoordinates_countedAndNotReady() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    // A backoff longer than the test: the reader stays dead until closed.
    BroadcastConsumer<PaymentResult> dying = reader(result -> {
      throw new IllegalStateException("handler bug");
    }, new ReaderRestarts(3, Duration.ofHours(1), Duration.ofHours(1)));
    ListAppender<ILoggingEvent> log = captureLog();
    try {
      dying.start(Duration.ofSeconds(1));
      await().atMost(Duration.ofSeconds(5))
          .until(() -> dying.snapshot().state() == ReaderSnapshot.State.READING);
      mock.schedulePollTask(() -> mock.addRecord(record(P0, 0, "r-0")));

      await().atMost(Duration.ofSeconds(5))
          .until(() -> dying.snapshot().state() == ReaderSnapshot.State.RESTARTING);
    } finally {
      dying.close(Duration.ofSeconds(5));
      ((Logger) LoggerFactory.getLogger(BroadcastConsumer.class)).detachAppender(log);
    }

    assertThat(errors("handler_failure")).isEqualTo(1);
    assertThat(errorLines(log)).singleElement().asString()
        .contains("reader of posrelay.results died")
        .contains("handler failed at posrelay.results-0@0")
        .contains("java.lang.IllegalStateException: handler bug")
        .contains("restart 1 of 3");
    assertThat(ReaderReadiness.of(new ReaderSnapshot(TOPIC,
        ReaderSnapshot.State.RESTARTING, "x", 1, 0, 0), 10, Duration.ofSeconds(15))
        .isUp()).isFalse();
    assertThat(dying.snapshot().state()).isEqualTo(ReaderSnapshot.State.STOPPED);
    assertThat(mock.closed()).isTrue();
    assertThat(dying.failure().toCompletableFuture()).as("closed, not given up").isNotDone();
  }

  @Test
  void handlerFailure_rewindsToTheFailedRecord_andToThePartitionsNotHandledYet() {
    mock.updatePartitions(TOPIC, List.of(partition(0), partition(1)));
    mock.updateEndOffsets(Map.of(P0, 0L, P1, 0L));
    BroadcastConsumer<PaymentResult> failing = reader(result -> {
      if (result.getResultId().equals("r-0b")) {
        throw new IllegalStateException("bug");
      }
      dispatched.add(result);
    }, ReaderRestarts.DEFAULT);
    failing.assignAtEnd(Duration.ofSeconds(1));
    mock.addRecord(record(P0, 0, "r-0a"));
    mock.addRecord(record(P0, 1, "r-0b"));
    mock.addRecord(record(P0, 2, "r-0c"));
    mock.addRecord(record(P1, 0, "r-1a"));

    ReaderDeath death =
        catchThrowableOfType(ReaderDeath.class, failing::pollOnce);

    assertThat(death.coordinates).isEqualTo("posrelay.results-0@1");
    assertThat(death.rewind).containsEntry(P0, 1L);
    // P1 was handled before P0 in this poll, or is handled again from its first record
    boolean p1Handled = dispatched.stream().anyMatch(r -> r.getResultId().equals("r-1a"));
    assertThat(death.rewind.containsKey(P1)).isNotEqualTo(p1Handled);
    if (!p1Handled) {
      assertThat(death.rewind).containsEntry(P1, 0L);
    }
    assertThat(dispatched).extracting(PaymentResult::getResultId).doesNotContain("r-0c");
  }

  @Test
  void readerRestartedAfterAHandlerFailure_handlesTheFailedRecordAgain_andTheOnesAfterIt() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    AtomicBoolean failedOnce = new AtomicBoolean();
    BroadcastConsumer<PaymentResult> flaky = reader(result -> {
      if (result.getResultId().equals("r-0b") && failedOnce.compareAndSet(false, true)) {
        throw new IllegalStateException("transient");
      }
      dispatched.add(result);
    }, new ReaderRestarts(3, Duration.ofHours(1), Duration.ZERO));
    mock.schedulePollTask(() -> {
      mock.addRecord(record(P0, 0, "r-0a"));
      mock.addRecord(record(P0, 1, "r-0b"));
      mock.addRecord(record(P0, 2, "r-0c"));
    });
    // MockConsumer forgets records once polled; a broker serves them again after the seek.
    mock.schedulePollTask(() -> {
      mock.addRecord(record(P0, 1, "r-0b"));
      mock.addRecord(record(P0, 2, "r-0c"));
    });
    try {
      flaky.start(Duration.ofSeconds(1));

      await().atMost(Duration.ofSeconds(5)).until(() -> dispatched.size() == 3);
    } finally {
      flaky.close(Duration.ofSeconds(5));
    }

    assertThat(dispatched).extracting(PaymentResult::getResultId)
        .containsExactly("r-0a", "r-0b", "r-0c");
    assertThat(errors("handler_failure")).isEqualTo(1);
  }

  @Test
  void readerThatKeepsDying_givesUp_andCompletesItsFailure() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    BroadcastConsumer<PaymentResult> poisoned = reader(result -> {
      throw new IllegalStateException("deterministic bug");
    }, new ReaderRestarts(2, Duration.ofHours(1), Duration.ZERO));
    ListAppender<ILoggingEvent> log = captureLog();
    String reason;
    try {
      for (int i = 0; i < 3; i++) { // served again after each restart's seek
        mock.schedulePollTask(() -> mock.addRecord(record(P0, 0, "r-poison")));
      }
      poisoned.start(Duration.ofSeconds(1));
      reason = poisoned.failure().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      poisoned.close(Duration.ofSeconds(5));
      ((Logger) LoggerFactory.getLogger(BroadcastConsumer.class)).detachAppender(log);
    }

    assertThat(reason).contains("reader of posrelay.results died 3 times within PT1H")
        .contains("posrelay.results-0@0").contains("deterministic bug");
    assertThat(poisoned.snapshot().state()).isEqualTo(ReaderSnapshot.State.FAILED);
    assertThat(errors("handler_failure")).isEqualTo(3);
    assertThat(errorLines(log)).hasSize(3);
    assertThat(errorLines(log).get(2)).contains("giving up");
  }

  @Test
  void fatalKafkaError_killsTheReader_whichRestarts_andReadsOn() {
    mock.updatePartitions(TOPIC, List.of(partition(0)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    BroadcastConsumer<PaymentResult> restarting = reader(dispatched::add,
        new ReaderRestarts(3, Duration.ofHours(1), Duration.ZERO));
    try {
      restarting.start(Duration.ofSeconds(1));
      mock.setPollException(new KafkaException("topic authorization failed"));
      mock.schedulePollTask(() -> mock.addRecord(record(P0, 0, "r-after")));

      await().atMost(Duration.ofSeconds(5)).until(() -> dispatched.size() == 1);
    } finally {
      restarting.close(Duration.ofSeconds(5));
    }

    assertThat(errors("fatal")).isEqualTo(1);
  }

  @Test
  void snapshot_carriesPartitionsAndLag_afterEachPoll() {
    mock.updatePartitions(TOPIC, List.of(partition(0), partition(1)));
    mock.updateEndOffsets(Map.of(P0, 5L, P1, 3L));
    consumer.assignAtEnd(Duration.ofSeconds(1));
    mock.updateEndOffsets(Map.of(P0, 9L, P1, 4L)); // 5 records arrived, none read yet

    consumer.pollOnce();

    ReaderSnapshot snapshot = consumer.snapshot();
    assertThat(snapshot.partitions()).isEqualTo(2);
    assertThat(snapshot.lagRecords()).isEqualTo(5);
    assertThat(snapshot.topic()).isEqualTo(TOPIC);
  }
}
