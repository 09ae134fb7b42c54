package io.posrelay.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.posrelay.testkit.ilk.SendSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the benchmark turns raw timings into figures; no cluster, no timing of this machine. */
class BenchFiguresTest {
  /** The target scenario: relayctl bench's defaults. */
  private static final LatencyBenchConfig TARGET = new LatencyBenchConfig(3, 10_000, 2_000,
      Duration.ofSeconds(60), Duration.ofSeconds(60), 2_000, true, true, Duration.ofSeconds(30),
      Duration.ofSeconds(5), 512, 0, Duration.ZERO, 0, true);
  private static final RelayFigures NO_FIGURES = new RelayFigures(Map.of(), 0, -1, List.of());


  @Test
  void sendSchedule_withoutRamp_dueTimesAreStartPlusWholePeriods() {
    SendSchedule rate = SendSchedule.of(1_000, 2_000, Duration.ZERO); // every 500 µs

    assertThat(rate.periodNanos()).isEqualTo(500_000);
    assertThat(rate.intendedNanos(1)).isEqualTo(1_000);
    assertThat(rate.intendedNanos(3)).isEqualTo(1_001_000);
    assertThat(rate.dueWithin(1_000_000)).isEqualTo(2);
    assertThat(rate.dueWithin(1_000_001)).isEqualTo(3);
  }

  @Test
  void sendSchedule_ramp_risesEvenly_thenRunsAtTheFullRateHalfTheRampLater() {
    // 1,000/s (1 ms) ramped over 10 s: 5,000 messages in the ramp, then one per ms
    SendSchedule ramped = SendSchedule.of(0, 1_000, Duration.ofSeconds(10));

    assertThat(ramped.intendedNanos(1)).isZero();
    // k = 1,250 sent before: sqrt(2 × 10 s × 1,250 × 1 ms) = 5 s, at half the full rate
    assertThat(ramped.intendedNanos(1_251)).isEqualTo(5_000_000_000L);
    assertThat(ramped.intendedNanos(5_001)).isEqualTo(10_000_000_000L);
    assertThat(ramped.intendedNanos(5_002) - ramped.intendedNanos(5_001)).isEqualTo(1_000_000);
    assertThat(ramped.dueWithin(5_000_000_000L)).isEqualTo(1_250);
    assertThat(ramped.dueWithin(5_000_000_001L)).isEqualTo(1_251);
    assertThat(ramped.dueWithin(10_000_000_000L)).isEqualTo(5_000);
    assertThat(ramped.dueWithin(20_000_000_000L)).isEqualTo(15_000);
    for (long n = 1; n < 6_000; n++) {
      assertThat(ramped.intendedNanos(n + 1)).isGreaterThan(ramped.intendedNanos(n));
      assertThat(ramped.dueWithin(ramped.intendedNanos(n) - ramped.startNanos())).isEqualTo(n - 1);
    }
  }

  @Test
  void sequenceOf_readsTheTrailingNumber_andRejectsOthers() {
    assertThat(SequenceIds.sequenceOf("sim-1a2b3c4d-42")).isEqualTo(42);
    assertThat(SequenceIds.sequenceOf("base-00ff-7")).isEqualTo(7);
    assertThat(SequenceIds.sequenceOf("tx-0001-x")).isEqualTo(-1);
    assertThat(SequenceIds.sequenceOf("no-number-")).isEqualTo(-1);
    assertThat(SequenceIds.sequenceOf("plain")).isEqualTo(-1);
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
        Machine.current(), Instant.EPOCH, relay, baseline, NO_FIGURES);

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
        Machine.current(), Instant.EPOCH, relay, null, NO_FIGURES);

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
        Machine.current(), Instant.EPOCH, relay, baseline, NO_FIGURES);

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
        Machine.current(), Instant.EPOCH, relay, null, NO_FIGURES);

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
                2_000, true, true, Duration.ofSeconds(30), Duration.ofSeconds(5), 512, 0,
                Duration.ZERO, 0, true))
        .hasMessage("duration-s: 0 (expected: >= 1)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new LatencyBenchConfig(3, 10_000, 2_000, Duration.ofSeconds(60),
                Duration.ofSeconds(60), 2_000, true, true, Duration.ofSeconds(30),
                Duration.ofSeconds(5), 512, 0, Duration.ZERO, 3, true))
        .hasMessage("idle-nodes: 3 (expected: 0..2, fewer than --nodes)");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new LatencyBenchConfig(3, 10_000, 2_000, Duration.ofSeconds(60),
                Duration.ofSeconds(60), 2_000, true, true, Duration.ofSeconds(30),
                Duration.ofSeconds(5), 512, 0, Duration.ofSeconds(61), 0, true))
        .hasMessage("ramp-s: 61 (expected: 0..warmup-s (60))");
  }

  @Test
  void rampedConfig_countsWhatTheRampedScheduleSends() {
    LatencyBenchConfig ramped = new LatencyBenchConfig(3, 10_000, 2_000, Duration.ofSeconds(60),
        Duration.ofSeconds(60), 2_000, true, true, Duration.ofSeconds(30), Duration.ofSeconds(5),
        512, 0, Duration.ofSeconds(30), 0, true);

    // 120 s at 2,000/s, less half the 30 s ramp's worth (15 s at 2,000/s)
    assertThat(TARGET.scheduledMessages()).isEqualTo(240_000);
    assertThat(ramped.scheduledMessages()).isEqualTo(210_000);
  }

  @Test
  void relayFigures_dividesEachTopicsRecordsByTheDeliveredResults_andSumsTheChangelogs() {
    RelayFigures figures = new RelayFigures(Map.of(
        "posrelay.results", 1_000L,
        "posrelay.claims", 1_000L,
        "posrelay-bench-admin-ledger-records-changelog", 1_000L,
        "posrelay-bench-admin-ledger-by-status-changelog", 2_000L),
        1_000, 990, List.of("relay-3"));
    CpuUsage cpu = new CpuUsage(Map.of("kafka", 0.1, "relay-3", 0.015, "bench", 0.2), 0.5, 0.5,
        60, Map.of("kafka", 0.01, "relay-3", 0.005, "bench", 0.05));

    StringBuilder text = new StringBuilder();
    figures.describe(text, cpu, 1_000);
    ObjectNode json = new ObjectMapper().createObjectNode();
    figures.writeTo(json);

    assertThat(figures.changelogPerResult()).isEqualTo(3.0);
    assertThat(cpu.systemMillisPerMessage()).isCloseTo(0.115, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(cpu.systemJitMillisPerMessage()).isCloseTo(0.015, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(text.toString())
        .contains("relay-3 held no terminal: 0.0150 ms of CPU per result")
        .contains("0.0100 without its JIT compiler threads")
        .contains("records written per delivered result: posrelay.claims 1.00  posrelay.results 1.00")
        .contains("ledger changelog records per delivered result: 3.00 (ledger-by-status 2.00  ledger-records 1.00)")
        .contains("receipts: 990 final receipts at the simulated ILK for 1000 delivered results");
    assertThat(json.path("changelog_records_per_result").asDouble()).isEqualTo(3.0);
    assertThat(json.path("records_per_result").path("posrelay.claims").asDouble()).isEqualTo(1.0);
    assertThat(json.path("final_receipts").asLong()).isEqualTo(990);
  }
}
