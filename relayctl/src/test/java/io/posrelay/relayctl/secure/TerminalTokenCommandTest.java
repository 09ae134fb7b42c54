package io.posrelay.relayctl.secure;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.relayctl.RelayCtl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relayctl terminal-token} and the security options of {@code pos-sim}. */
class TerminalTokenCommandTest {
  /** The worked example of docs/pos-protocol.md §3.1. */
  private static final String EXAMPLE_SECRET = "example-terminal-secret-do-not-use-0001";

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = RelayCtl.newCommandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void printsTheTokenOfTheCurrentSecret_asInTheProtocolDoc() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"),
        EXAMPLE_SECRET + "\nprevious-secret-0123456789-abcdefghijkl\n");
    assertThat(run("terminal-token", "CAT-0001", "--terminal-secret-file", secrets.toString()))
        .isZero();
    assertThat(out.toString()).isEqualTo("BGOEaaKa38Yku4JuVGWQMoOBD3Mx-Rz9ESPRloAKrkM"
        + System.lineSeparator());
  }

  @Test
  void badTerminalId_isUsageError() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), EXAMPLE_SECRET);
    assertThat(run("terminal-token", "CAT 1", "--terminal-secret-file", secrets.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("TERMINAL_ID: 'CAT 1' (expected: [A-Za-z0-9_-]{1,64})");
  }

  @Test
  void noSecret_isUsageErrorNamingWhereToPutIt() {
    assertThat(run("terminal-token", "CAT-0001")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--terminal-secret-file", "POSRELAY_TERMINAL_SECRETS");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void shortSecret_isUsageErrorNamingTheFlag_withoutTheSecret() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), "too-short-secret");
    assertThat(run("terminal-token", "CAT-0001", "--terminal-secret-file", secrets.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--terminal-secret-file: " + secrets + ": secret 1")
        .doesNotContain("too-short-secret");
  }

  @Test
  void posSim_unreadableCaFile_isUsageErrorNamingTheFlag() {
    Path missing = dir.resolve("missing-ca.pem");
    assertThat(run("pos-sim", "--tls-ca-file", missing.toString(), "--duration-s", "1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--tls-ca-file: " + missing);
  }

  @Test
  void posSim_badSecretFile_isUsageErrorNamingTheFlag() {
    Path missing = dir.resolve("missing-secrets");
    assertThat(run("pos-sim", "--terminal-secret-file", missing.toString(), "--duration-s", "1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--terminal-secret-file: " + missing);
  }
}
