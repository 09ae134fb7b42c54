package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class DemoChaosTest {

  @Test
  void chaos_killsThenRestartsTheRelay_andReportsBoth() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    DemoChaos.Target target = new DemoChaos.Target() {
      @Override
      public void killRelay(int index) {
        calls.add("kill " + index);
      }

      @Override
      public Duration restartRelay(int index) {
        calls.add("restart " + index);
        return Duration.ofMillis(1500);
      }
    };
    try (DemoChaos chaos = new DemoChaos(target, 0, Duration.ofMillis(10), Duration.ofMillis(10))) {
      chaos.start();
      assertThat(chaos.awaitDone(Duration.ofSeconds(5))).isTrue();
      assertThat(calls).containsExactly("kill 0", "restart 0");
      assertThat(chaos.report()).hasSize(2);
      assertThat(chaos.report().get(0)).contains("killed relay-1 (SIGKILL)");
      assertThat(chaos.report().get(1)).contains("restarted relay-1", "ready in 1.5 s");
    }
  }

  @Test
  void failedRestart_isReported_andEndsTheChaos() throws Exception {
    DemoChaos.Target target = new DemoChaos.Target() {
      @Override
      public void killRelay(int index) {}

      @Override
      public Duration restartRelay(int index) {
        throw new IllegalStateException("port 7001 busy");
      }
    };
    try (DemoChaos chaos = new DemoChaos(target, 1, Duration.ZERO, Duration.ZERO)) {
      chaos.start();
      assertThat(chaos.awaitDone(Duration.ofSeconds(5))).isTrue();
      assertThat(chaos.report().get(1)).contains("could not restart relay-2", "port 7001 busy");
    }
  }

  @Test
  void summaryTable_listsWhatChaosDid_beforeTheResult() {
    DemoSummary summary = DemoSummary.of(List.of(), java.util.Map.of(), 0,
        new Histogram(1_000_000, 3));
    String table = summary.table(List.of("t+2.0 s: killed relay-1 (SIGKILL)",
        "t+7.0 s: restarted relay-1"));
    assertThat(table).containsSubsequence("lost", "chaos", "killed relay-1", "restarted relay-1",
        "result");
  }
}
