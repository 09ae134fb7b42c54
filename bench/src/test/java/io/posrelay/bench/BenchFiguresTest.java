package io.posrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the benchmark turns raw timings into figures; no cluster, no timing of this machine. */
class BenchFiguresTest {
  /** The target scenario: relayctl bench's defaults. */
  private static final LatencyBenchConfig TARGET = new LatencyBenchConfig(3, 10_000, 2_000,
      Duration.ofSeconds(60), Duration.ofSeconds(60), 2_000, true, true, Duration.ofSeconds(30),
      Duration.ofSeconds(5), 512, 0);


  @Test
  void fixedRate_dueTimes_areStartPlusWholePeriods() {
    FixedRate rate = FixedRate.of(1_000, 2_000); // 2,000/s: every 500 µs

    assertThat(rate.periodNanos()).isEqualTo(500_000);
    assertThat(rate.intendedNanos(1)).isEqualTo(1_000);
    assertThat(rate.intendedNanos(3)).isEqualTo(1_001_000);
  }

  @Test
  void sequenceOf_readsTheTrailingNumber_andRejectsOthers() {
    assertThat(FixedRate.sequenceOf("sim-1a2b3c4d-42")).isEqualTo(42);
    assertThat(FixedRate.sequenceOf("base-00ff-7")).isEqualTo(7);
    assertThat(FixedRate.sequenceOf("tx-0001-x")).isEqualTo(-1);
    assertThat(FixedRate.sequenceOf("no-number-")).isEqualTo(-1);
    assertThat(FixedRate.sequenceOf("plain")).isEqualTo(-1);
  }

  @Test
  void recorder_measuresFromTheIntendedTime_andKeepsOnlyTheWindow() {
    LatencyRecorder recorder = new LatencyRecorder(10_000_000, 20_000_000);

    recorder.record(5_000_000, 6_000_000); // due in the warm-up: not measured
    recorder.record(12_000_000, 15_000_000); // due in the window: 3 ms
    recorder.record(19_000_000, 25_000_000); // due in the window, arrived after it: 6 ms

    Histogram measured = recorder.measured();
    assertThat(measured.getTotalCount()).isEqualTo(2);
    assertThat(measured.getMaxValue()).isBetween(5_990L, 6_010L);
    assertThat(recorder.arrivalsInWindow()).isEqualTo(1);
    assertThat(recorder.interval().getTotalCount()).isEqualTo(3);
  }

  @Test
  void sourceAddresses_onePerTwentyThousandTerminals_beyondTheFirst() {
    assertThat(SourceAddresses.forTerminals(20_000, 0)).isEmpty();
    assertThat(SourceAddresses.forTerminals(100_000, 0)).hasSize(5);
    assertThat(SourceAddresses.describe(SourceAddresses.forTerminals(100_000, 0)))
        .isEqualTo("127.0.0.2-127.0.0.6");
    assertThat(SourceAddresses.forTerminals(10, 3)).hasSize(3);
  }

  @Test
  void heapInfo_ofG1_andOfTwoGenerations() {
    String g1 = " garbage-first heap   total 1048576K, used 24576K [0x00000000c0000000, 0x0000000100000000)\n"
        + "  region size 1024K, 3 young (3072K), 0 survivors (0K)\n"
        + " Metaspace       used 53178K, committed 53760K, reserved 1114112K\n";
    String parallel = " PSYoungGen      total 76288K, used 3932K [0x00000000eab00000, 0x0000000100000000)\n"
        + "  eden space 65536K, 6% used [0x00000000eab00000,0x00000000eaed7378,0x00000000eeb00000)\n"
        + " ParOldGen       total 175104K, used 1M [0x00000000c0000000, 0x00000000cab00000)\n";

    assertThat(ProcessMemory.parseHeapInfo(g1)).containsExactly(1024L << 20, 24L << 20);
    assertThat(ProcessMemory.parseHeapInfo(parallel))
        .containsExactly((76288L + 175104L) << 10, (3932L << 10) + (1L << 20));
    assertThat(ProcessMemory.parseHeapInfo("no heap here")).isEmpty();
  }

  @Test
  void report_json_hasTheDocumentedFields_andTheRatios() {
    CpuUsage cpu = new CpuUsage(Map.of("relay-1", 0.2), 0.5, 0.4, 60);
    // The defaults offer 2,000/s for 60 s of warm-up and 60 s measured: 240,000 messages due.
    PhaseResult relay =
        new PhaseResult(4, 5, 8, 10, 12, 100, 2000, 240_000, 240_000, 240_000, 0, 0, 0, cpu);
    PhaseResult baseline =
        new PhaseResult(2, 3, 4, 5, 6, 100, 2000, 240_000, 240_000, 240_000, 0, 0, 0, cpu);
    LatencyReport report = new LatencyReport(TARGET, 6, "embedded",
        Machine.current(), Instant.EPOCH, relay, baseline);

    ObjectNode json = report.toJson(new ObjectMapper());

    assertThat(json.path("relay").path("p50_ms").asDouble()).isEqualTo(4.0);
    assertThat(json.path("relay").has("throughput_per_s")).isTrue();
    assertThat(json.path("relay").has("lost")).isTrue();
    assertThat(json.path("baseline").path("p99_ms").asDouble()).isEqualTo(4.0);
    assertThat(json.path("ratios").path("p50").asDouble()).isEqualTo(2.0);
    assertThat(json.path("nodes").asInt()).isEqualTo(3);
    assertThat(json.path("terminals").asInt()).isEqualTo(10_000);
    assertThat(json.path("rate_per_s").asDouble()).isEqualTo(2_000.0);
    assertThat(json.path("duration_s").asInt()).isEqualTo(60);
    assertThat(json.path("relay").path("kept_up").asBoolean()).isTrue();
    assertThat(report.table()).contains("relay/baseline", "2.00x")
        .doesNotContain("lost: ", "DID NOT KEEP UP");
  }

  @Test
  void report_ofAPhaseStillDrainingItsBacklog_saysSo_andDidNotKeepUp() {
    CpuUsage cpu = new CpuUsage(Map.of("relay-1", 0.2), 0.5, 0.4, 60);
    PhaseResult relay = new PhaseResult(3309, 9000, 15073, 16000, 17000, 120_000, 2685.9,
        240_000, 240_000, 240_000, 0, 0, 0, cpu);
    LatencyReport report = new LatencyReport(TARGET, 6, "embedded",
        Machine.current(), Instant.EPOCH, relay, null);

    assertThat(report.table()).contains("relay: BACKLOG IN THE MEASURED WINDOW: 2685.9/s arrived"
        + " against 2000/s offered").doesNotContain("DID NOT KEEP UP");
    assertThat(report.toJson(new ObjectMapper()).path("relay").path("kept_up").asBoolean())
        .isFalse();
  }

  @Test
  void report_ofAPhaseThatSentTooLittle_saysItDidNotKeepUp() {
    CpuUsage cpu = new CpuUsage(Map.of("relay-1", 0.2), 0.5, 0.4, 60);
    PhaseResult relay = new PhaseResult(0, 0, 0, 0, 0, 0, 310, 54_132, 54_132, 26_779, 27_353,
        0, 0, cpu);
    PhaseResult baseline =
        new PhaseResult(2, 3, 4, 5, 6, 100, 2000, 240_000, 240_000, 240_000, 0, 0, 0, cpu);
    LatencyReport report = new LatencyReport(TARGET, 6, "embedded",
        Machine.current(), Instant.EPOCH, relay, baseline);

    assertThat(report.table()).contains(
        "relay: DID NOT KEEP UP: 54132 of 240000 messages due were sent",
        "310.0/s arrived of 2000/s offered; nothing due in the measured window arrived")
        .doesNotContain("baseline: DID NOT KEEP UP");
    ObjectNode json = report.toJson(new ObjectMapper());
    assertThat(json.path("relay").path("kept_up").asBoolean()).isFalse();
    assertThat(json.path("baseline").path("kept_up").asBoolean()).isTrue();
    assertThat(json.path("ratios").path("p50").isNull()).isTrue();
  }

  @Test
  void report_withUndeliveredResults_saysLostIncludesABacklog() {
    CpuUsage cpu = new CpuUsage(Map.of("relay-1", 0.2), 0.5, 0.4, 60);
    PhaseResult relay = new PhaseResult(4, 5, 8, 10, 12, 100, 200, 300, 300, 200, 100, 0, 0, cpu);
    LatencyReport report = new LatencyReport(TARGET, 6, "embedded",
        Machine.current(), Instant.EPOCH, relay, null);

    assertThat(report.table()).contains("lost: accepted but not at the terminal",
        "--drain-timeout-s");
  }

  @Test
  void jsonReport_isCheckedBeforeTheRun(@TempDir Path dir) throws Exception {
    assertThat(BenchCluster.unwritable(dir.resolve("new/sub/report.json"))).isNull();
    assertThat(dir.resolve("new/sub")).isDirectory();
    assertThat(BenchCluster.unwritable(dir)).isEqualTo("is a directory");
    Path file = Files.writeString(dir.resolve("plain"), "x");
    assertThat(BenchCluster.unwritable(file.resolve("report.json")))
        .startsWith("cannot create its directory");
  }

  @Test
  void config_outOfRange_namesTheOption() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new LatencyBenchConfig(3, 10_000, 2_000, Duration.ofSeconds(60), Duration.ZERO,
                2_000, true, true, Duration.ofSeconds(30), Duration.ofSeconds(5), 512, 0))
        .hasMessage("duration-s: 0 (expected: >= 1)");
  }
}
