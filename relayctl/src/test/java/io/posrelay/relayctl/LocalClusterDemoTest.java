package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalClusterConfig;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/relayctl local} and {@code demo} do, on random ports against the test cluster:
 * every service as its own OS process, simulated terminals and ILK, the ledger's verdict, and no
 * process left behind afterwards.
 */
@ExtendWith(TestKafka.Shared.class)
class LocalClusterDemoTest {

  @Test
  void demoAgainstServiceProcesses_losesNothing_andLeavesNoProcessBehind(
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
    DemoSummary summary;
    try (LocalCluster cluster = LocalCluster.start(config)) {
      assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)).hasSize(4);
      IlkSimulatorConfig ilk =
          IlkSimulatorConfig.builder()
              .ratePerSecond(20)
              .duration(Duration.ofSeconds(4))
              .terminals(6)
              .terminalPrefix("DEMO" + Long.toString(System.nanoTime(), 36))
              .unconnectedRatio(0.25)
              .build();

      summary =
          new DemoRun(cluster.endpoints(), ilk, Duration.ofSeconds(3), Duration.ofSeconds(5))
              .run(() -> false);
    }

    // How many of the scheduled callbacks a busy machine gets through in time varies; what the
    // drill asserts is that traffic flowed and that every accepted result is accounted for.
    assertThat(summary.published()).isPositive();
    assertThat(summary.lost()).isZero();
    assertThat(summary.failedUnclaimed()).isPositive();
    assertThat(summary.delivered()).isEqualTo(summary.published() - summary.failedUnclaimed());
    assertThat(summary.passed()).isTrue();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }
}
