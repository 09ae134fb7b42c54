package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AdminApiCommandTest {
  @Test
  void badFlagValue_exitsWithUsageCodeNamingTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AdminApiCommand()).setErr(new PrintWriter(err));

    int exit = cli.execute("--claim-deadline-ms", "-5", "--kafka", "127.0.0.1:1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--claim-deadline-ms: -5 (expected: > 0)");
  }

  @Test
  void options_buildTheConfig() {
    AdminApiCommand command = new AdminApiCommand();
    new CommandLine(command)
        .parseArgs(
            "--kafka", "k1:9092,k2:9092",
            "--host", "127.0.0.1",
            "--port", "0",
            "--metrics-port", "0",
            "--claim-deadline-ms", "1500",
            "--ack-timeout-ms", "2500",
            "--application-id", "admin-b",
            "--state-dir", "/var/lib/posrelay/admin",
            "--replication-factor", "3",
            "--retention-ms", "60000",
            "--grace-ms", "1000");

    AdminConfig config = command.config();

    assertThat(config.kafkaBootstrap()).isEqualTo("k1:9092,k2:9092");
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.claimDeadline()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.ackTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.applicationId()).isEqualTo("admin-b");
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/posrelay/admin"));
    assertThat(config.replicationFactor()).isEqualTo(3);
    assertThat(config.retention()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.grace()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void help_listsEveryOption() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AdminApiCommand()).setOut(new PrintWriter(out));

    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "admin-api",
            "--kafka",
            "--host",
            "--port",
            "--metrics-port",
            "--claim-deadline-ms",
            "--ack-timeout-ms",
            "--application-id",
            "--state-dir",
            "--replication-factor",
            "--retention-ms",
            "--grace-ms");
  }
}
