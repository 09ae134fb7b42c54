package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class RelayConfigTest {

  @Test
  void defaults_matchTheDocumentedOnes() {
    RelayConfig config = RelayConfig.builder().build();
    assertThat(config.nodeId()).startsWith("relay-").matches("[A-Za-z0-9_.-]{1,64}");
    assertThat(config.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(config.port()).isEqualTo(7001);
    assertThat(config.metricsPort()).isEqualTo(9101);
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxFrameBytes()).isEqualTo(16_384);
    assertThat(config.maxConnections()).isEqualTo(200_000);
    assertThat(config.resultsTopic()).isEqualTo("posrelay.results");
    assertThat(config.claimsTopic()).isEqualTo("posrelay.claims");
    assertThat(config.sessionsTopic()).isEqualTo("posrelay.sessions");
    assertThat(config.adminAddress()).isEqualTo("127.0.0.1:9090");
    assertThat(config.claimDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.maxConcurrentRecoveries()).isEqualTo(16);
    assertThat(config.writeBufferLowBytes()).isEqualTo(32 * 1024);
    assertThat(config.writeBufferHighBytes()).isEqualTo(64 * 1024);
    assertThat(config.writeStallTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void recoveryAndWriteBufferKeys_areValidated() {
    assertThat(RelayConfig.builder().adminAddress("").build().adminAddress()).isEmpty();
    assertThat(RelayConfig.builder().adminAddress("admin.internal:9090").build().adminAddress())
        .isEqualTo("admin.internal:9090");
    assertThatThrownBy(() -> RelayConfig.builder().adminAddress("admin").build())
        .hasMessage("admin: admin (expected: host:port, or empty to disable recovery)");
    assertThatThrownBy(() -> RelayConfig.builder().claimDeadline(Duration.ZERO).build())
        .hasMessage("claim-deadline.ms: 0 (expected: > 0)");
    assertThatThrownBy(() -> RelayConfig.builder().writeBufferWaterMark(64, 64).build())
        .hasMessageStartingWith("write-buffer.high-bytes: 64 (expected: > write-buffer.low-bytes");
    assertThatThrownBy(() -> RelayConfig.builder().writeStallTimeout(Duration.ZERO).build())
        .hasMessage("write-stall-timeout.ms: 0 (expected: > 0)");
  }

  @Test
  void drainTimeout_isTheSmallerOfAckTimeoutAndFiveSeconds() {
    assertThat(RelayConfig.builder().ackTimeout(Duration.ofSeconds(2)).build().drainTimeout())
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RelayConfig.builder().ackTimeout(Duration.ofSeconds(30)).build().drainTimeout())
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badValues_failNamingTheKeyAndTheRange() {
    assertThatThrownBy(() -> RelayConfig.builder().ackTimeout(Duration.ofMillis(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ack-timeout.ms: -5 (expected: > 0)");
    assertThatThrownBy(() -> RelayConfig.builder().nodeId("relay 1").build())
        .hasMessage("node-id: relay 1 (expected: [A-Za-z0-9_.-]{1,64})");
    assertThatThrownBy(() -> RelayConfig.builder().port(70_000).build())
        .hasMessage("port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> RelayConfig.builder().maxFrameBytes(10).build())
        .hasMessageStartingWith("max-frame-bytes: 10");
    assertThatThrownBy(() -> RelayConfig.builder().maxConnections(0).build())
        .hasMessageStartingWith("max-connections: 0");
    assertThatThrownBy(() -> RelayConfig.builder().maxConcurrentRecoveries(0).build())
        .hasMessage("max-concurrent-recoveries: 0 (expected: >= 1)");
    assertThatThrownBy(() -> RelayConfig.builder().heartbeatInterval(Duration.ZERO).build())
        .hasMessageStartingWith("heartbeat-interval.ms: 0");
  }

  @Test
  void command_mapsOptionsToConfig() {
    RelayServerCommand command = new RelayServerCommand();
    new CommandLine(command).parseArgs("--node-id", "relay-9", "--kafka", "k:1", "--port", "0",
        "--metrics-port", "0", "--ack-timeout-ms", "1500", "--heartbeat-interval-ms", "2000",
        "--max-frame-bytes", "4096", "--max-connections", "10", "--admin", "",
        "--claim-deadline-ms", "2000", "--write-buffer-low-bytes", "1024",
        "--write-buffer-high-bytes", "2048", "--write-stall-timeout-ms", "500",
        "--max-concurrent-recoveries", "4");
    RelayConfig config = command.toConfig();
    assertThat(config.nodeId()).isEqualTo("relay-9");
    assertThat(config.kafkaBootstrap()).isEqualTo("k:1");
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.maxFrameBytes()).isEqualTo(4096);
    assertThat(config.maxConnections()).isEqualTo(10);
    assertThat(config.adminAddress()).isEmpty();
    assertThat(config.claimDeadline()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.writeBufferLowBytes()).isEqualTo(1024);
    assertThat(config.writeBufferHighBytes()).isEqualTo(2048);
    assertThat(config.writeStallTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.maxConcurrentRecoveries()).isEqualTo(4);
  }

  @Test
  void command_badValue_exitsWith2NamingTheFlag() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cmd = new CommandLine(new RelayServerCommand());
    cmd.setErr(new java.io.PrintWriter(err, true));
    int exit = cmd.execute("--ack-timeout-ms", "-5");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--ack-timeout-ms: -5 (expected: > 0)");
  }
}
