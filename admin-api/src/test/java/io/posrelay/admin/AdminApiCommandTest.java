package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.ServiceLauncher;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code admin-api} command line: flags, environment, exit codes, help; never a secret. */
class AdminApiCommandTest {
  private static final String FILE_TOKEN = "token-from-the-file-0123456789abcdefgh";
  private static final String ENV_TOKEN = "token-from-the-environment-0123456789ab";

  @TempDir Path dir;

  @Test
  void operatorTokens_comeFromTheFile_whichWinsOverTheEnvironment() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), FILE_TOKEN + "\n");

    ServiceConfig config = configOf(Map.of("POSRELAY_OPERATOR_TOKENS", ENV_TOKEN),
        "--operator-token-file", file.toString(), "--reflection-requires-token");

    RotatingSecrets tokens = AdminKeys.operatorTokens(config).orElseThrow();
    assertThat(tokens.size()).isEqualTo(1);
    assertThat(tokens.currentText()).isEqualTo(FILE_TOKEN);
    assertThat(config.get(AdminKeys.REFLECTION_REQUIRES_TOKEN)).isTrue();
  }

  @Test
  void operatorTokens_comeFromTheEnvironment_withoutAFile() {
    ServiceConfig config =
        configOf(Map.of("POSRELAY_OPERATOR_TOKENS", FILE_TOKEN + "," + ENV_TOKEN));

    RotatingSecrets tokens = AdminKeys.operatorTokens(config).orElseThrow();
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.currentText()).isEqualTo(FILE_TOKEN);
    assertThat(config.get(AdminKeys.REFLECTION_REQUIRES_TOKEN)).isFalse();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).isEmpty();
  }

  @Test
  void badTokenOrTlsFlag_exitsWith2NamingTheKey_withoutTheSecret() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "too-short-secret\n");
    StringWriter err = new StringWriter();
    CommandLine cli = AdminApiCommand.command(Map.of()).setErr(new PrintWriter(err, true));

    assertThat(cli.execute("--operator-token-file", file.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("admin-api: operator-token-file: " + file + ": token 1 is not valid")
        .doesNotContain("too-short-secret");

    assertThat(cli.execute("--tls-cert-file", file.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("admin-api: tls-key-file: (empty) (expected: set together"
        + " with tls-cert-file)");

    StringWriter envErr = new StringWriter();
    CommandLine fromEnv = AdminApiCommand.command(Map.of("POSRELAY_OPERATOR_TOKENS",
        "short-secret")).setErr(new PrintWriter(envErr, true));
    assertThat(fromEnv.execute()).isEqualTo(2);
    assertThat(envErr.toString()).contains("admin-api: operator-tokens: token 1 is not valid")
        .doesNotContain("short-secret");
  }

  @Test
  void badFlagValue_exitsWith2NamingTheKeyTheRangeAndTheFlag() {
    StringWriter err = new StringWriter();
    CommandLine cli = AdminApiCommand.command(Map.of()).setErr(new PrintWriter(err, true));

    int exit = cli.execute("--claim-deadline-ms", "-5", "--kafka", "127.0.0.1:1");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("admin-api: claim-deadline.ms: -5 (expected: >= 1), from --claim-deadline-ms");
  }

  @Test
  void flagsAndEnvironment_buildTheConfig() {
    Map<String, String> values = printConfig(Map.of("POSRELAY_GRACE_MS", "1000"),
        "--kafka", "k1:9092,k2:9092",
        "--host", "127.0.0.1",
        "--port", "0",
        "--management-port", "0",
        "--claim-deadline-ms", "1500",
        "--ack-timeout-ms", "2500",
        "--application-id", "admin-b",
        "--state-dir", "/var/lib/posrelay/admin",
        "--replication-factor", "3",
        "--retention-ms", "60000",
        "--commit-interval-ms", "500",
        "--advertised-host", "admin-b.internal",
        "--topic-results", "acme.results");

    assertThat(values)
        .containsEntry("kafka.bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("host", "127.0.0.1")
        .containsEntry("port", "0")
        .containsEntry("management.port", "0")
        .containsEntry("claim-deadline.ms", "1500")
        .containsEntry("ack-timeout.ms", "2500")
        .containsEntry("application-id", "admin-b")
        .containsEntry("state-dir", "/var/lib/posrelay/admin")
        .containsEntry("replication-factor", "3")
        .containsEntry("retention.ms", "60000")
        .containsEntry("grace.ms", "1000")
        .containsEntry("commit-interval.ms", "500")
        .containsEntry("advertised-host", "admin-b.internal")
        .containsEntry("topic.results", "acme.results");
    ServiceConfig config = configOf(Map.of(), "--claim-deadline-ms", "1500", "--retention-ms",
        "60000", "--state-dir", "/var/lib/posrelay/admin", "--kafka-bootstrap-servers", "k:1");
    assertThat(config.get(KafkaKeys.CLAIM_DEADLINE)).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.get(AdminKeys.RETENTION)).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.get(AdminKeys.STATE_DIR)).isEqualTo(Path.of("/var/lib/posrelay/admin"));
    assertThat(config.get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("k:1");
  }

  @Test
  void secrets_areNeverAFlag_andNeverPrinted() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), FILE_TOKEN + "\n");
    StringWriter out = new StringWriter();
    CommandLine cli = AdminApiCommand.command(Map.of("POSRELAY_OPERATOR_TOKENS", ENV_TOKEN,
            "POSRELAY_KAFKA_SASL_JAAS_CONFIG", "Login required password=\"" + ENV_TOKEN + "\";"))
        .setOut(new PrintWriter(out, true));

    assertThat(cli.execute("--operator-token-file", file.toString(), "--print-config"))
        .isZero();
    assertThat(out.toString())
        .contains("operator-token-file=" + file, "#operator-tokens=[hidden]",
            "#kafka.sasl.jaas.config=[hidden]")
        .doesNotContain(FILE_TOKEN).doesNotContain(ENV_TOKEN);
    assertThat(AdminKeys.SPEC.key("operator-tokens").orElseThrow().isSecret()).isTrue();
    assertThat(cli.getCommandSpec().findOption("--operator-tokens")).isNull();
  }

  @Test
  void help_listsEveryOption_andWhereTheTokensComeFrom() {
    StringWriter out = new StringWriter();
    CommandLine cli = AdminApiCommand.command(Map.of()).setOut(new PrintWriter(out, true));

    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "admin-api",
            "--kafka",
            "--kafka-bootstrap-servers",
            "--host",
            "--port",
            "--management-port",
            "--claim-deadline-ms",
            "--ack-timeout-ms",
            "--application-id",
            "--state-dir",
            "--replication-factor",
            "--retention-ms",
            "--grace-ms",
            "--commit-interval-ms",
            "--advertised-host",
            "--operator-token-file",
            "--reflection-requires-token",
            "--tls-cert-file",
            "--tls-key-file",
            "--peer-tls-ca-file",
            "--topic-results",
            "--topic-claims",
            "--topic-delivery-events",
            "--config",
            "--print-config",
            "POSRELAY_OPERATOR_TOKENS (operator-tokens)");
  }

  /**
   * The configuration the command would start admin-api with: the command as {@link
   * AdminApiCommand#command} builds it, with a starter that records the configuration instead of
   * starting (and ends the run as a bad configuration would, exit 2).
   */
  private static ServiceConfig configOf(Map<String, String> env, String... args) {
    AtomicReference<ServiceConfig> seen = new AtomicReference<>();
    StringWriter err = new StringWriter();
    CommandLine cli = ServiceLauncher.command(AdminKeys.SPEC, config -> {
      seen.set(config);
      throw new InvalidConfigException("recorded, not started");
    }, env).setErr(new PrintWriter(err, true));

    assertThat(cli.execute(args)).isEqualTo(2);
    assertThat(err.toString()).as("no other error").contains("recorded, not started");
    return seen.get();
  }

  private static Map<String, String> printConfig(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = AdminApiCommand.command(env).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--print-config";
    assertThat(cli.execute(all)).as(err.toString()).isZero();
    Map<String, String> values = new LinkedHashMap<>();
    out.toString().lines().filter(l -> !l.startsWith("#") && l.contains("="))
        .forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return values;
  }
}
