package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drill: Kafka (a single KRaft broker in a child JVM, {@link DrillChild}) is killed with
 * SIGKILL, stays down for {@link #OUTAGE}, and comes back with the same data directory and ports,
 * while ILK keeps posting callbacks. During the outage every callback must get an answer, a 503
 * with Retry-After (none may run into the client's own timeout; how long the 503s took is
 * printed, not asserted: that is timing), and none a 202; the callbacks waiting for Kafka stay
 * within ilk-ingest's bound; every result accepted before the outage, and after it, must end
 * DELIVERED.
 */
@Tag("drill")
class KafkaOutageDrillTest {
  /** How long Kafka stays down: the 30 s of issue 4. */
  static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final int TERMINALS = 20;
  private static final int RATE_PER_SECOND = 20;

  @Test
  void kafkaDownForThirtySeconds_ingestAnswers503_andEverythingAcceptedIsDelivered(
      @TempDir Path workDir) throws Exception {
    int port = LocalPorts.pickFree();
    int controllerPort = LocalPorts.pickFree();
    List<String> kafkaArgs = List.of("kafka", "--data-dir", workDir.resolve("kafka").toString(),
        "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
        "--partitions", Integer.toString(KafkaCluster.PARTITIONS));
    String bootstrap = "127.0.0.1:" + port;
    String prefix = "OUTAGE" + Long.toString(System.nanoTime(), 36);
    List<String> tids = new ArrayList<>();
    for (int i = 0; i < TERMINALS; i++) {
      tids.add(prefix + "-" + i);
    }
    ChildProcess kafka = DrillChild.start("kafka", kafkaArgs, workDir.resolve("kafka-1.log"));
    try {
      kafka.awaitPort(port, Duration.ofSeconds(60));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        admin.createTopics(Topics.newTopics(KafkaCluster.PARTITIONS, (short) 1, 1)).all()
            .get(60, TimeUnit.SECONDS);
      }
      try (DrillStack stack = DrillStack.start(bootstrap);
          PosSimulator terminals = PosSimulator.start(
              List.of(HostAndPort.fromParts("127.0.0.1", stack.relayPort(0)),
                  HostAndPort.fromParts("127.0.0.1", stack.relayPort(1))),
              tids, r -> { });
          IlkLoad ilk = new IlkLoad(stack.webhook, tids, 0)) {
        assertThat(terminals.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
        int maxInFlightPublishes = stack.ingest.config().get(IngestKeys.MAX_IN_FLIGHT_PUBLISHES);
        ilk.startSteady(RATE_PER_SECOND);
        AdminRestartDrillTest.pause(Duration.ofSeconds(3));

        kafka.kill(); // returns once the broker process is gone
        long killedAt = System.nanoTime();
        int acceptedBefore = ilk.accepted.size();
        int unavailableBefore = ilk.unavailable.get();
        // Wait out the outage while checking, all along, that callbacks waiting for Kafka stay
        // within ilk-ingest's bound (memory stays bounded). The margin of atMost is only for the
        // poller on a busy machine: the condition must hold for the whole outage.
        AtomicLong maxWaiting = new AtomicLong();
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(60))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> {
              long waiting = (long) stack.ingest.meterRegistry()
                  .get(IngestMeters.PUBLISH_IN_FLIGHT).gauge().value();
              maxWaiting.accumulateAndGet(waiting, Math::max);
              return waiting <= maxInFlightPublishes;
            });
        int during503 = ilk.unavailable.get() - unavailableBefore;

        long restartAt = System.nanoTime();
        kafka = DrillChild.start("kafka", kafkaArgs, workDir.resolve("kafka-2.log"));
        kafka.awaitPort(port, Duration.ofSeconds(60));
        long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt);
        int acceptedAtRestart = ilk.accepted.size();
        await().atMost(Duration.ofSeconds(60))
            .until(() -> ilk.accepted.size() > acceptedAtRestart + RATE_PER_SECOND);
        long firstAcceptMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt);
        AdminRestartDrillTest.pause(Duration.ofSeconds(2));
        ilk.stopSending(); // waits for the callbacks in flight: every one has its outcome now

        // A 202 for a callback sent after the broker died and answered before it was restarted
        // would be a result ilk-ingest claims stored while no broker could store it.
        Set<String> acceptedDuring = ilk.accepted.entrySet().stream()
            .filter(e -> ilk.sent.get(e.getKey()) >= killedAt && e.getValue() < restartAt)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
        long slowest503Millis = TimeUnit.NANOSECONDS.toMillis(ilk.slowest503Nanos.get());
        long fastest503Millis = TimeUnit.NANOSECONDS.toMillis(ilk.fastest503Nanos.get());
        LedgerVerdict verdict = LedgerVerdict.awaitDelivered(
            stack::adminStub, ilk.acceptedIds(), Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT,
            "DRILL kafka-outage: %d s outage; %d accepted before it, %d accepted during it; %d"
                + " callbacks answered 503 during it, in %d..%d ms; at most %d callbacks waiting for"
                + " Kafka; broker port open %d ms after restart, ingest accepting again after"
                + " %d ms; ilk %s; terminal duplicates %d; %s%n",
            OUTAGE.toSeconds(), acceptedBefore, acceptedDuring.size(), during503,
            fastest503Millis, slowest503Millis, maxWaiting.get(), backMillis, firstAcceptMillis,
            ilk.summary(), terminals.duplicates(), verdict.summary());
        assertThat(during503).as(ilk.summary()).isPositive();
        assertThat(ilk.unavailableWithoutRetryAfter.get()).as(ilk.summary()).isZero();
        assertThat(ilk.unanswered.get()).as("callbacks without an answer: " + ilk.summary())
            .isZero();
        assertThat(ilk.otherStatus.get()).as(ilk.summary()).isZero();
        assertThat(acceptedDuring).as("202s while Kafka was down").isEmpty();
        assertThat(verdict.lost()).as(verdict.summary()).isZero();
        assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
      }
    } finally {
      kafka.close();
    }
  }
}
