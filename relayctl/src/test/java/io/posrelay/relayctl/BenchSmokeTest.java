package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A short run of {@code relayctl bench} and {@code bench connections} against the test cluster:
 * they complete and report (table and JSON). How fast is not asserted — benchmarks are not tests;
 * the figures are in docs/benchmarks.md.
 */
@ExtendWith(TestKafka.Shared.class)
class BenchSmokeTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int relayctl(String... args) {
    CommandLine commandLine = RelayCtl.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @AfterEach
  void leavesNoProcessBehind() {
    await().atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }

  @Test
  void bench_completes_andReportsTableRatiosAndJson(TestKafka kafka, @TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("bench.json");

    int exit = relayctl("bench", "--kafka", kafka.bootstrapServers(),
        "--work-dir", dir.resolve("work").toString(), "--nodes", "2", "--idle-nodes", "1",
        "--terminals", "4", "--rate", "50", "--warmup-s", "2", "--duration-s", "3",
        "--progress-s", "1", "--json", json.toString()); // admin-api and receipts on, as default

    assertThat(exit).as("stderr:%n%s", err).isZero();
    assertThat(out.toString()).contains("p50 ms", "p99.9 ms", "throughput/s", "lost", "relay",
        "baseline", "relay/baseline");
    assertThat(err.toString()).contains("[baseline] t=", "[relay] t=");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("relay").fieldNames()).toIterable().contains("p50_ms", "p99_ms",
        "throughput_per_s", "sent", "delivered", "lost");
    assertThat(report.path("baseline").fieldNames()).toIterable().contains("p50_ms", "p99_ms");
    assertThat(report.path("relay").path("sent").asLong()).isPositive();
    assertThat(report.path("relay").path("delivered").asLong()).isPositive();
    assertThat(report.path("relay").path("lost").asLong()).isZero();
    assertThat(report.path("baseline").path("delivered").asLong()).isPositive();
    assertThat(report.path("ratios").path("p50").isNumber()).isTrue();
    assertThat(report.path("nodes").asInt()).isEqualTo(2);
    assertThat(report.path("ramp_s").asInt()).isEqualTo(1); // half the warm-up by default
    assertThat(report.path("relay").path("idle_nodes").get(0).asText()).isEqualTo("relay-2");
    assertThat(out.toString()).contains("relay-2 held no terminal:",
        "ledger changelog records per delivered result:", "warm-up ramped");
    assertThat(report.path("relay").path("records_per_result").path("posrelay.results")
        .asDouble()).isPositive();
    assertThat(report.path("relay").path("final_receipts").asLong())
        .isEqualTo(report.path("relay").path("delivered").asLong());
    assertThat(report.path("terminals").asInt()).isEqualTo(4);
    assertThat(report.path("rate_per_s").asDouble()).isEqualTo(50.0);
    assertThat(report.path("duration_s").asInt()).isEqualTo(3);
  }

  @Test
  void benchConnections_completes_andReportsTheNodesMemory(TestKafka kafka,
      @TempDir Path dir) throws Exception {
    Path json = dir.resolve("connections.json");

    int exit = relayctl("bench", "connections", "--kafka", kafka.bootstrapServers(),
        "--work-dir", dir.resolve("work").toString(), "--terminals", "20",
        "--connect-rate", "200", "--hold-s", "1", "--relay-java-opts", "-Xmx256m",
        "--json", json.toString());

    assertThat(exit).as("stderr:%n%s", err).isZero();
    assertThat(out.toString()).contains("heap after GC", "resident (RSS)", "per connection");
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertThat(report.path("connected").asInt()).isEqualTo(20);
    assertThat(report.path("relay_sessions").asLong()).isEqualTo(20);
    assertThat(report.path("heap_after_gc_bytes").asLong()).isPositive();
    assertThat(report.path("rss_bytes").asLong()).isPositive();
  }

  @Test
  void bench_badOption_isUsageErrorNamingIt() {
    assertThat(relayctl("bench", "--nodes", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--nodes: 0 (expected: 1..16)");
  }
}
