package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AdminConfigTest {
  @Test
  void defaults_matchTheDocumentedOnes() {
    AdminConfig config = AdminConfig.builder().build();

    assertThat(config.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(9090);
    assertThat(config.metricsPort()).isEqualTo(9190);
    assertThat(config.claimDeadline()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.applicationId()).isEqualTo("posrelay-admin");
    assertThat(config.stateDir()).isEqualTo(Path.of(".posrelay", "admin-state"));
    assertThat(config.replicationFactor()).isEqualTo(1);
    assertThat(config.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(config.grace()).isEqualTo(Duration.ofHours(1));
    assertThat(config.commitInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badValues_failNamingTheKeyAndTheExpectedRange() {
    assertThatThrownBy(() -> AdminConfig.builder().ackTimeout(Duration.ofMillis(-5)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ack-timeout.ms: -5 (expected: > 0)");
    assertThatThrownBy(() -> AdminConfig.builder().claimDeadline(Duration.ZERO).build())
        .hasMessage("claim-deadline.ms: 0 (expected: > 0)");
    assertThatThrownBy(() -> AdminConfig.builder().port(70_000).build())
        .hasMessage("port: 70000 (expected: 0..65535)");
    assertThatThrownBy(() -> AdminConfig.builder().metricsPort(-1).build())
        .hasMessage("metrics-port: -1 (expected: 0..65535)");
    assertThatThrownBy(() -> AdminConfig.builder().port(9000).metricsPort(9000).build())
        .hasMessageStartingWith("metrics-port: 9000");
    assertThatThrownBy(() -> AdminConfig.builder().applicationId("bad id").build())
        .hasMessage("application-id: 'bad id' (expected: [A-Za-z0-9._-]{1,100})");
    assertThatThrownBy(() -> AdminConfig.builder().replicationFactor(0).build())
        .hasMessage("replication-factor: 0 (expected: 1..32)");
    assertThatThrownBy(() -> AdminConfig.builder().retention(Duration.ZERO).build())
        .hasMessage("retention.ms: 0 (expected: > 0)");
    assertThatThrownBy(() -> AdminConfig.builder().grace(Duration.ofMillis(-1)).build())
        .hasMessage("grace.ms: -1 (expected: > 0)");
    assertThatThrownBy(() -> AdminConfig.builder().kafkaBootstrap("nohost").build())
        .hasMessageStartingWith("kafka.bootstrap: 'nohost'");
  }

  @Test
  void randomPorts_mayBothBeZero() {
    AdminConfig config = AdminConfig.builder().port(0).metricsPort(0).host("127.0.0.1").build();

    assertThat(config.port()).isZero();
    assertThat(config.metricsPort()).isZero();
  }
}
