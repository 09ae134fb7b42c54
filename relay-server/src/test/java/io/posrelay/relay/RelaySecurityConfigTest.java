package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.pos.v1.auth.TerminalTokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The keys of terminal authentication, the Hello deadline and TLS. */
class RelaySecurityConfigTest {
  private static final String SECRET = "relay-config-test-secret-0123456789abc";

  @TempDir Path dir;

  @Test
  void defaults_authOff_tlsOff_helloWithinFiveSeconds() {
    RelayConfig config = RelayConfig.builder().build();
    assertThat(config.terminalTokens()).isNull();
    assertThat(config.tlsCertFile()).isNull();
    assertThat(config.tlsKeyFile()).isNull();
    assertThat(config.helloTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.authMaxFailures()).isEqualTo(5);
    assertThat(config.authFailureWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.authCooldown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.toString()).contains("terminal-auth=off", "tls=off", "hello-timeout.ms=5000");
  }

  @Test
  void badValues_failNamingTheKey() throws Exception {
    assertThatThrownBy(() -> RelayConfig.builder().helloTimeout(Duration.ofMillis(50)).build())
        .hasMessage("hello-timeout.ms: 50 (expected: 100..600000)");
    assertThatThrownBy(() -> RelayConfig.builder()
        .authFailureLimit(0, Duration.ofSeconds(1), Duration.ofSeconds(1)).build())
        .hasMessage("auth-failures.max: 0 (expected: 1..1000)");
    assertThatThrownBy(() -> RelayConfig.builder()
        .authFailureLimit(5, Duration.ZERO, Duration.ofSeconds(1)).build())
        .hasMessage("auth-failures.window.ms: 0 (expected: > 0)");
    assertThatThrownBy(() -> RelayConfig.builder()
        .authFailureLimit(5, Duration.ofSeconds(1), Duration.ofMillis(-1)).build())
        .hasMessage("auth-cooldown.ms: -1 (expected: > 0)");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    assertThatThrownBy(() -> RelayConfig.builder().tls(cert, null).build())
        .hasMessage("tls-key-file: (none) (expected: set together with tls-cert-file)");
    assertThatThrownBy(() -> RelayConfig.builder().tls(null, cert).build())
        .hasMessage("tls-cert-file: (none) (expected: set together with tls-key-file)");
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> RelayConfig.builder().tls(cert, missing).build())
        .hasMessage("tls-key-file: " + missing + " (expected: a readable file)");
  }

  @Test
  void command_readsTheSecretFile_andTheTlsAndLimitFlags() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), SECRET + "\n");
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    RelayServerCommand command = new RelayServerCommand();
    new CommandLine(command).parseArgs("--terminal-secret-file", secrets.toString(),
        "--hello-timeout-ms", "1500", "--auth-failures-max", "3",
        "--auth-failures-window-ms", "10000", "--auth-cooldown-ms", "20000",
        "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString());
    RelayConfig config = command.toConfig();
    assertThat(config.terminalTokens().issue("T1"))
        .isEqualTo(TerminalTokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), "T1"));
    assertThat(config.helloTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(config.authMaxFailures()).isEqualTo(3);
    assertThat(config.authFailureWindow()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.authCooldown()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.tlsCertFile()).isEqualTo(cert);
    assertThat(config.tlsKeyFile()).isEqualTo(key);
    assertThat(config.toString()).contains("terminal-auth=on (1 secrets)")
        .doesNotContain(SECRET);
  }

  @Test
  void command_badSecretFile_exitsWith2NamingTheFlag_withoutTheSecret() throws Exception {
    String tooShort = "short-secret-value";
    Path secrets = Files.writeString(dir.resolve("secrets"), tooShort);
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new RelayServerCommand());
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute("--terminal-secret-file", secrets.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("--terminal-secret-file: " + secrets + ": secret 1 has 18 characters")
        .doesNotContain(tooShort);
  }

  @Test
  void toFlag_leavesEnvironmentVariableNamesAlone() {
    assertThat(RelayServerCommand.toFlag("POSRELAY_TERMINAL_SECRETS: 3 secrets (expected: …)"))
        .isEqualTo("POSRELAY_TERMINAL_SECRETS: 3 secrets (expected: …)");
    assertThat(RelayServerCommand.toFlag("hello-timeout.ms: 5 (expected: 100..600000)"))
        .isEqualTo("--hello-timeout-ms: 5 (expected: 100..600000)");
  }
}
