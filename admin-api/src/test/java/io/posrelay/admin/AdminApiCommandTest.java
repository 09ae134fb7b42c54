package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AdminApiCommandTest {
  private static final String FILE_TOKEN = "token-from-the-file-0123456789abcdefgh";
  private static final String ENV_TOKEN = "token-from-the-environment-0123456789ab";

  @TempDir Path dir;

  @Test
  void operatorTokens_comeFromTheFile_whichWinsOverTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), FILE_TOKEN + "\n");
    AdminApiCommand command = new AdminApiCommand();
    command.environment = Map.of(AdminApiCommand.OPERATOR_TOKENS_ENV, ENV_TOKEN)::get;
    new CommandLine(command).parseArgs("--operator-token-file", file.toString(),
        "--reflection-requires-token");

    AdminConfig config = command.config();

    assertThat(config.security().operatorTokens().current()).isEqualTo(FILE_TOKEN);
    assertThat(config.security().reflectionRequiresToken()).isTrue();
  }

  @Test
  void operatorTokens_comeFromTheEnvironment_withoutAFile() {
    AdminApiCommand command = new AdminApiCommand();
    command.environment =
        Map.of(AdminApiCommand.OPERATOR_TOKENS_ENV, FILE_TOKEN + "," + ENV_TOKEN)::get;
    new CommandLine(command).parseArgs();

    AdminConfig config = command.config();

    assertThat(config.security().operatorTokens().size()).isEqualTo(2);
    assertThat(config.security().operatorTokens().current()).isEqualTo(FILE_TOKEN);
    assertThat(config.security().reflectionRequiresToken()).isFalse();
    assertThat(config.security().tlsEnabled()).isFalse();
  }

  @Test
  void badTokenOrTlsFlag_exitsWithUsageCodeNamingTheFlag_withoutTheSecret() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "too-short-secret\n");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AdminApiCommand()).setErr(new PrintWriter(err));

    assertThat(cli.execute("--operator-token-file", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--operator-token-file: " + file + ": token 1 is not valid")
        .doesNotContain("too-short-secret");

    assertThat(cli.execute("--tls-cert-file", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--tls-key-file: missing");
  }

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
            "--grace-ms",
            "--operator-token-file",
            "--reflection-requires-token",
            "--tls-cert-file",
            "--tls-key-file",
            "--peer-tls-ca-file");
  }
}
