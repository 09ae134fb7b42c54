package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalClusterConfig;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/relayctl demo --chaos} does, on random ports against the test cluster: relay-1
 * (its own OS process) is killed with SIGKILL a third of the way through the sending and started
 * again 5 s later; the demo must still end with nothing lost and every result for a held terminal
 * delivered.
 */
@Tag("drill")
@ExtendWith(TestKafka.Shared.class)
class ChaosDemoDrillTest {

  @Test
  void demoWithChaos_killsAndRestartsRelayOne_andStillLosesNothing(
      TestKafka kafka, @TempDir Path workDir) throws Exception {
    LocalClusterConfig config =
        LocalClusterConfig.builder(RelayCtl.LAUNCHER)
            .workDir(workDir)
            .externalKafka(kafka.bootstrapServers())
            .partitions(TestKafka.PARTITIONS)
            .ingestPort(0)
            .relayPosPorts(List.of(0, 0))
            .relayMetricsPorts(List.of(0, 0))
            .grpcPort(0)
            .adminMetricsPort(0)
            .startTimeout(Duration.ofSeconds(90))
            .build();
    IlkSimulatorConfig ilk =
        IlkSimulatorConfig.builder()
            .ratePerSecond(20)
            .duration(Duration.ofSeconds(6))
            .terminals(8)
            .terminalPrefix("CHAOS" + Long.toString(System.nanoTime(), 36))
            .unconnectedRatio(0.1)
            .build();
    DemoSummary summary;
    List<String> report;
    try (LocalCluster cluster = LocalCluster.start(config);
        DemoChaos chaos = DemoChaos.forDemo(cluster, ilk.duration())) {
      summary = new DemoRun(cluster.endpoints(), ilk, Duration.ofSeconds(3), Duration.ofSeconds(5))
          .withChaos(chaos)
          .run(() -> false);
      report = chaos.report();
    }
    System.out.println("DRILL chaos-demo:\n" + summary.table(report));

    assertThat(report).anySatisfy(line -> assertThat(line).contains("killed relay-1 (SIGKILL)"));
    assertThat(report).anySatisfy(line -> assertThat(line).contains("restarted relay-1"));
    // How many of the scheduled callbacks a busy machine gets through in time varies; what the
    // drill asserts is that traffic flowed and that every accepted result is accounted for.
    assertThat(summary.published()).isPositive();
    assertThat(summary.lost()).isZero();
    assertThat(summary.passed()).as(summary.table(report)).isTrue();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }
}
