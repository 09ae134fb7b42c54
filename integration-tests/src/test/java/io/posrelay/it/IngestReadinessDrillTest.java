package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ilk-ingest's readiness follows Kafka: with its broker (a child JVM, {@link DrillChild}) stopped,
 * ingest turns not ready once Kafka has not answered for {@code ready.kafka-window.ms}, while
 * staying live (a broker outage is no reason to restart it); with the broker back on the same
 * ports and data, it is ready again, without any callback arriving meanwhile (its probe sees
 * Kafka come back).
 */
@Tag("drill")
class IngestReadinessDrillTest {
  private static final Duration WINDOW = Duration.ofSeconds(3);

  @Test
  void brokerStopped_ingestNotReadyButLive_brokerBack_ingestReadyAgain(@TempDir Path dir)
      throws Exception {
    int port = LocalPorts.pickFree();
    int controllerPort = LocalPorts.pickFree();
    List<String> kafkaArgs = List.of("kafka", "--data-dir", dir.resolve("kafka").toString(),
        "--port", Integer.toString(port), "--controller-port", Integer.toString(controllerPort),
        "--partitions", Integer.toString(KafkaCluster.PARTITIONS));
    String bootstrap = "127.0.0.1:" + port;
    ChildProcess kafka = DrillChild.start("kafka", kafkaArgs, dir.resolve("kafka-1.log"));
    try {
      kafka.awaitPort(port, Duration.ofSeconds(60));
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          bootstrap))) {
        admin.createTopics(Topics.newTopics(KafkaCluster.PARTITIONS, (short) 1, 1)).all()
            .get(60, TimeUnit.SECONDS);
      }
      try (IlkIngestServer ingest = IlkIngestServer.start(TestConfigs.ingest(bootstrap)
          .set(IngestKeys.READY_KAFKA_WINDOW, WINDOW).build())) {
        int management = ingest.managementPort();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> HealthProbe.readyStatus(management) == 200);

        kafka.stop(Duration.ofSeconds(30));
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
            .until(() -> HealthProbe.readyStatus(management) == 503);
        long notReadyAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);
        String notReady = HealthProbe.ready(management).body();
        int liveDuringOutage = HealthProbe.live(management).statusCode();

        kafka = DrillChild.start("kafka", kafkaArgs, dir.resolve("kafka-2.log"));
        long restartedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
            .until(() -> HealthProbe.readyStatus(management) == 200);
        long readyAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);

        System.out.printf(Locale.ROOT, "DRILL ingest-readiness: window %d ms; not ready %d ms"
                + " after the broker stopped; ready again %d ms after it was restarted (its JVM"
                + " start and log recovery included)%n",
            WINDOW.toMillis(), notReadyAfter, readyAfter);
        assertThat(notReady).contains("\"kafka\":{\"status\":\"DOWN\"")
            .contains("no answer from Kafka for");
        assertThat(liveDuringOutage).as("Kafka down is no reason to restart ingest")
            .isEqualTo(200);
        assertThat(HealthProbe.ready(management).body())
            .contains("\"kafka\":{\"status\":\"UP\",\"detail\":\"Kafka answered");
      }
    } finally {
      kafka.close();
    }
  }
}
