package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.PaymentResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A results reader as KafkaRelayClients builds it: values read as raw bytes, and parsed only for
 * the terminals the node holds ({@link RecordFilter#byKey}). A node pays for a result it does not
 * hold only the key lookup: a value that is not even protobuf is skipped unnoticed when its
 * terminal is elsewhere, and refused as a bad record with its coordinates when it is held here.
 */
class UndecodedRecordsTest {
  private static final String TOPIC = "posrelay.results";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final byte[] NOT_PROTOBUF =
      "\u00ff\u00ff not a message".getBytes(StandardCharsets.ISO_8859_1);

  private final MockConsumer<String, ByteBuffer> mock = new MockConsumer<>("latest");
  private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
  private final Set<String> held = Set.of("T-HELD");
  private final List<String> asked = new ArrayList<>();
  private final List<PaymentResult> dispatched = new ArrayList<>();
  private final BroadcastConsumer<ByteBuffer> reader = new BroadcastConsumer<>(mock, TOPIC,
      RecordFilter.byKey(terminalId -> {
        asked.add(terminalId);
        return held.contains(terminalId);
      }),
      ProtobufValues.parsing(PaymentResult.parser(), TOPIC, dispatched::add),
      new RelayMeters(meterRegistry).deliveries()::consumerError, Duration.ofHours(1),
      "test-results", ReaderRestarts.DEFAULT);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private long offset;

  @BeforeEach
  void assign() {
    Node node = new Node(1, "127.0.0.1", 9092);
    mock.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, null, null)));
    mock.updateEndOffsets(Map.of(P0, 0L));
    reader.assignAtEnd(Duration.ofSeconds(1));
    log.start();
    ((Logger) LoggerFactory.getLogger(BroadcastConsumer.class)).addAppender(log);
  }

  @AfterEach
  void close() {
    ((Logger) LoggerFactory.getLogger(BroadcastConsumer.class)).detachAppender(log);
    reader.close(Duration.ofSeconds(5));
  }

  private long publish(@Nullable String key, byte @Nullable [] value) {
    mock.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, key,
        value == null ? null : ByteBuffer.wrap(value)));
    return offset++;
  }

  private static byte[] result(String resultId, String terminalId) {
    return PaymentResult.newBuilder().setResultId(resultId).setTerminalId(terminalId)
        .setResultCode("0000").setAmount(1000).setAttempt(1).build().toByteArray();
  }

  private double badRecords() {
    return meterRegistry.get(RelayMeters.RESULTS_ERRORS).tag("kind", "bad_record").counter()
        .count();
  }

  @Test
  void nodeHoldingNoneOfTheTerminals_skipsTheirResultsUndecoded_evenOnesThatAreNotProtobuf() {
    publish("T-ELSEWHERE", result("r-1", "T-ELSEWHERE"));
    publish("T-ELSEWHERE", NOT_PROTOBUF);
    publish("T-GONE", null); // a tombstone for a terminal not held here

    reader.pollOnce();

    assertThat(asked).containsExactly("T-ELSEWHERE", "T-ELSEWHERE", "T-GONE");
    assertThat(dispatched).isEmpty();
    assertThat(badRecords()).as("not this node's to report").isZero();
    assertThat(log.list).isEmpty();
  }

  @Test
  void heldTerminal_getsItsResults_andAMalformedOneIsABadRecordWithItsCoordinates() {
    publish("T-ELSEWHERE", NOT_PROTOBUF);
    long bad = publish("T-HELD", NOT_PROTOBUF);
    publish("T-HELD", result("r-held", "T-HELD"));
    long tombstone = publish("T-HELD", null);
    publish(null, result("r-no-key", "T-ANY")); // no key: only the value can tell

    reader.pollOnce();

    assertThat(dispatched).extracting(PaymentResult::getResultId)
        .containsExactly("r-held", "r-no-key");
    assertThat(badRecords()).isEqualTo(2);
    assertThat(log.list).allMatch(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage).satisfiesExactly(
            line -> assertThat(line).startsWith("skipping bad record " + P0 + "@" + bad
                + ": record on " + TOPIC + " is not a valid protobuf message ("
                + NOT_PROTOBUF.length + " bytes): "),
            line -> assertThat(line)
                .isEqualTo("skipping bad record " + P0 + "@" + tombstone + ": null value"));
  }

  @Test
  void heldResult_isParsedFromTheBytesAsFetched_notACopyOfTheWholeBuffer() {
    byte[] framed = new byte[64];
    byte[] value = result("r-slice", "T-HELD");
    System.arraycopy(value, 0, framed, 7, value.length);
    mock.addRecord(new ConsumerRecord<>(TOPIC, 0, offset++, "T-HELD",
        ByteBuffer.wrap(framed, 7, value.length).slice()));

    reader.pollOnce();

    assertThat(dispatched).extracting(PaymentResult::getResultId).containsExactly("r-slice");
  }
}
