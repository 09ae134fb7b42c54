package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.RelayServer;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Health that tells the truth about a relay node's Kafka readers, against the real cluster: a
 * results handler that throws kills the reader, which says so in one ERROR line and makes the
 * node not ready at once, then restarts from the failed record; a reader that keeps dying makes
 * the process exit 3 (a real child JVM); a malformed session record and a malformed result are
 * skipped with their coordinates, and the readers go on handling the records after them.
 *
 * <p>Records are produced straight to the topics, as a faulty or foreign producer would: ilk-ingest
 * never writes a malformed result.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class ReaderFailureDrillTest {
  private static String bootstrap;
  private static KafkaProducer<String, PaymentResult> results;
  private static KafkaProducer<String, TerminalSession> sessions;

  @BeforeAll
  static void producers(KafkaCluster kafka) {
    bootstrap = kafka.bootstrapServers();
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0);
    results = new KafkaProducer<>(config, new StringSerializer(),
        EventSerdes.paymentResult().serializer());
    sessions = new KafkaProducer<>(config, new StringSerializer(),
        EventSerdes.terminalSession().serializer());
  }

  @AfterAll
  static void close() {
    results.close(Duration.ofSeconds(5));
    sessions.close(Duration.ofSeconds(5));
  }

  private static String unique(String prefix) {
    return prefix + "-" + Long.toString(System.nanoTime(), 36);
  }

  private static PaymentResult result(String terminalId, String resultId) {
    Instant now = Instant.now();
    return PaymentResult.newBuilder().setResultId(resultId).setTransactionId("tx-" + resultId)
        .setTerminalId(terminalId).setMerchantId("M-" + terminalId).setResultCode("0000")
        .setAmount(1_000).setCurrency("KRW").setAttempt(1)
        .setReceivedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond())
            .setNanos(now.getNano()))
        .build();
  }

  private static RecordMetadata publish(PaymentResult result) throws Exception {
    return results.send(new ProducerRecord<>(Topics.RESULTS, result.getTerminalId(), result))
        .get(10, TimeUnit.SECONDS);
  }

  private static RecordMetadata publish(TerminalSession session) throws Exception {
    return sessions.send(new ProducerRecord<>(Topics.SESSIONS, session.getTerminalId(), session))
        .get(10, TimeUnit.SECONDS);
  }

  private static String coordinates(RecordMetadata where) {
    return where.topic() + "-" + where.partition() + "@" + where.offset();
  }

  private static RelayServer relay(String nodeId, Consumer<PaymentResult> resultsTap)
      throws Exception {
    RelayServer relay = RelayServer.start(TestConfigs.relay(bootstrap, nodeId).build(), resultsTap);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> HealthProbe.readyStatus(relay.managementPort()) == 200);
    return relay;
  }

  private static double readerErrors(RelayServer relay, String meter, String kind) {
    return relay.meterRegistry().get(meter).tag("kind", kind).counter().count();
  }

  @Test
  void killedResultsReader_isNotReadyAtOnce_saysWhereInOneErrorLine_thenResumesAtTheFailedRecord()
      throws Exception {
    String nodeId = unique("death");
    String tid = unique("DEATH");
    String poisonId = "DEATH-" + UUID.randomUUID();
    AtomicLong thrownAt = new AtomicLong();
    try (ReaderLog log = new ReaderLog();
        RelayServer relay = relay(nodeId, result -> {
          if (result.getResultId().equals(poisonId) && thrownAt.compareAndSet(0, System.nanoTime())) {
            throw new IllegalStateException("drill: results handler bug");
          }
        });
        TestTerminal terminal = TestTerminal.connect(relay.port(), tid)) {
      int management = relay.managementPort();

      long producedAt = System.nanoTime();
      RecordMetadata where = publish(result(tid, poisonId));
      // The bound is generous for a busy machine; the figure printed is what counts.
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
          .until(() -> HealthProbe.readyStatus(management) == 503);
      long notReadyAt = System.nanoTime();
      String body = HealthProbe.ready(management).body();
      boolean liveMeanwhile = HealthProbe.live(management).statusCode() == 200;

      await().atMost(Duration.ofSeconds(30))
          .until(() -> HealthProbe.readyStatus(management) == 200);
      long readyAgainAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() == 1);
      String afterId = "DEATH-" + UUID.randomUUID();
      publish(result(tid, afterId));
      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() == 2);

      System.out.printf(Locale.ROOT, "DRILL reader-death: relay ready 503 %d ms after the results"
              + " handler threw (%d ms after the record was produced); ready again %d ms after"
              + " the throw (restart after 1 s, the record handled again)%n",
          TimeUnit.NANOSECONDS.toMillis(notReadyAt - thrownAt.get()),
          TimeUnit.NANOSECONDS.toMillis(notReadyAt - producedAt),
          TimeUnit.NANOSECONDS.toMillis(readyAgainAt - thrownAt.get()));
      assertThat(body).contains("\"status\":\"DOWN\"")
          .contains("\"results-reader\":{\"status\":\"DOWN\"")
          .contains("handler failed at " + coordinates(where))
          .contains("drill: results handler bug");
      assertThat(liveMeanwhile).as("a dead reader is not a dead process").isTrue();
      assertThat(log.lines("posrelay-results-" + nodeId, Level.ERROR)).singleElement().asString()
          .contains("reader of posrelay.results died")
          .contains("handler failed at " + coordinates(where))
          .contains("java.lang.IllegalStateException: drill: results handler bug");
      assertThat(readerErrors(relay, RelayMeters.RESULTS_ERRORS, "handler_failure"))
          .isEqualTo(1);
      assertThat(terminal.results()).extracting(PaymentResult::getResultId)
          .as("the failed record is handled again on restart, then the next one")
          .containsExactly(poisonId, afterId);
      assertThat(relay.failure().toCompletableFuture()).isNotDone();
    }
  }

  @Test
  void resultsReaderThatKeepsDying_makesTheProcessExit3_soThatTheOrchestratorReplacesIt(
      @TempDir Path dir) throws Exception {
    int posPort = LocalPorts.pickFree();
    int management = LocalPorts.pickFree();
    Path logFile = dir.resolve("relay-poisoned.log");
    ChildProcess relay = DrillChild.start("relay-poisoned", List.of("relay-server-poisoned",
        "--kafka", bootstrap, "--host", "127.0.0.1", "--port", Integer.toString(posPort),
        "--management-port", Integer.toString(management), "--node-id", unique("poisoned"),
        "--admin-address", ""), logFile);
    try {
      relay.awaitHttpOk("http://127.0.0.1:" + management + ManagementServer.READY_PATH,
          Duration.ofSeconds(60));

      long producedAt = System.nanoTime();
      RecordMetadata where = publish(result(unique("POISONED"),
          DrillChild.POISON + UUID.randomUUID()));
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
          .until(() -> HealthProbe.readyStatus(management) == 503);
      long notReadyAt = System.nanoTime();
      // 1 + 2 + 4 s of backoff between the 4 deaths, then a graceful stop: well within 60 s
      OptionalInt exit = relay.awaitExit(Duration.ofSeconds(60));
      long exitedAt = System.nanoTime();

      System.out.printf(Locale.ROOT, "DRILL reader-poisoned: relay (own JVM) ready 503 %d ms after"
              + " the poison record was produced, exited %s %d ms after it%n",
          TimeUnit.NANOSECONDS.toMillis(notReadyAt - producedAt),
          exit.isPresent() ? "with " + exit.getAsInt() : "(not yet)",
          TimeUnit.NANOSECONDS.toMillis(exitedAt - producedAt));
      assertThat(exit).as(relay.tail(40)).hasValue(3);
      String text = Files.readString(logFile);
      assertThat(text).contains("restart 1 of 3", "restart 3 of 3", "giving up")
          .contains("handler failed at " + coordinates(where))
          .contains("relay-server failed: reader of posrelay.results died 4 times")
          .contains("exiting with 3");
    } finally {
      relay.close();
    }
  }

  @Test
  void sessionRecordWithConnectedAtOutOfRange_isSkippedWithItsCoordinates_andTakeoverStillWorks()
      throws Exception {
    String nodeId = unique("bad-session");
    String tid = unique("BADSESSION");
    try (ReaderLog log = new ReaderLog();
        RelayServer relay = relay(nodeId, result -> { });
        TestTerminal terminal = TestTerminal.connect(relay.port(), tid)) {
      RecordMetadata bad = publish(TerminalSession.newBuilder().setTerminalId(tid)
          .setNodeId("elsewhere").setSessionId("s-bad")
          .setConnectedAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build());

      await().atMost(Duration.ofSeconds(10)).until(
          () -> readerErrors(relay, RelayMeters.SESSIONS_ERRORS, "bad_record") == 1);
      assertThat(terminal.closedByPeer()).as("a malformed record replaces nothing").isFalse();
      assertThat(HealthProbe.readyStatus(relay.managementPort())).isEqualTo(200);
      assertThat(log.lines("posrelay-sessions-" + nodeId, Level.WARN)).singleElement().asString()
          .isEqualTo("skipping bad record " + coordinates(bad) + ": terminal_id=" + tid
              + " session_id=s-bad connected_at out of range: seconds=" + Long.MAX_VALUE
              + " nanos=0");
      assertThat(log.lines("posrelay-sessions-" + nodeId, Level.ERROR)).isEmpty();

      Instant later = Instant.now().plusSeconds(1);
      publish(TerminalSession.newBuilder().setTerminalId(tid).setNodeId("elsewhere")
          .setSessionId("s-newer").setConnectedAt(Timestamp.newBuilder()
              .setSeconds(later.getEpochSecond()).setNanos(later.getNano())).build());

      PosFrame replaced = terminal.nextFrame(Duration.ofSeconds(10));
      assertThat(replaced.getError().getCode()).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
      await().atMost(Duration.ofSeconds(10)).until(terminal::closedByPeer);
      assertThat(readerErrors(relay, RelayMeters.SESSIONS_ERRORS, "handler_failure")).isZero();
    }
  }

  @Test
  void resultWithReceivedAtOutOfRange_isSkippedWithItsCoordinates_andTheNextIsDelivered()
      throws Exception {
    String nodeId = unique("bad-result");
    String tid = unique("BADRESULT");
    try (ReaderLog log = new ReaderLog();
        RelayServer relay = relay(nodeId, result -> { });
        TestTerminal terminal = TestTerminal.connect(relay.port(), tid)) {
      String badId = "BAD-" + UUID.randomUUID();
      RecordMetadata bad = publish(result(tid, badId).toBuilder()
          .setReceivedAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build());
      String goodId = "GOOD-" + UUID.randomUUID();
      publish(result(tid, goodId));

      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() == 1);
      assertThat(terminal.results()).extracting(PaymentResult::getResultId).containsExactly(goodId);
      assertThat(readerErrors(relay, RelayMeters.RESULTS_ERRORS, "bad_record")).isEqualTo(1);
      assertThat(readerErrors(relay, RelayMeters.RESULTS_ERRORS, "handler_failure")).isZero();
      assertThat(HealthProbe.readyStatus(relay.managementPort())).isEqualTo(200);
      assertThat(log.lines("posrelay-results-" + nodeId, Level.WARN)).singleElement().asString()
          .isEqualTo("skipping bad record " + coordinates(bad) + ": result_id=" + badId
              + " received_at out of range: seconds=" + Long.MAX_VALUE + " nanos=0");
      assertThat(log.lines("posrelay-results-" + nodeId, Level.ERROR)).isEmpty();
    }
  }

  /** The lines the broadcast readers log while it is open, by reader thread and level. */
  private static final class ReaderLog implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(BroadcastConsumer.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    ReaderLog() {
      appender.start();
      logger.addAppender(appender);
    }

    List<String> lines(String thread, Level level) {
      synchronized (appender) {
        return appender.list.stream()
            .filter(e -> e.getThreadName().equals(thread) && e.getLevel() == level)
            .map(ILoggingEvent::getFormattedMessage).toList();
      }
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }
}
