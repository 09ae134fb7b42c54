package io.posrelay.relay.auth;

import io.posrelay.pos.v1.auth.TerminalTokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalSecretsTest {
  private static final String CURRENT = "current-secret-0123456789-abcdefghijklm";
  private static final String PREVIOUS = "previous-secret-0123456789-abcdefghijkl";

  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void nothingConfigured_meansAuthenticationOff() {
    assertThat(TerminalSecrets.load(null, null)).isNull();
    assertThat(TerminalSecrets.load(null, "  ")).isNull();
  }

  @Test
  void file_holdsTheCurrentSecretFirst_blankLinesAndSpacesIgnored() throws IOException {
    Path file = Files.writeString(dir.resolve("secrets"), "\n  " + CURRENT + "  \r\n\n"
        + PREVIOUS + "\n");
    TerminalTokens tokens = TerminalSecrets.load(file, null);
    assertThat(tokens.secretCount()).isEqualTo(2);
    assertThat(tokens.issue("T1")).isEqualTo(TerminalTokens.issue(utf8(CURRENT), "T1"));
    assertThat(tokens.verify("T1", TerminalTokens.issue(utf8(PREVIOUS), "T1"))).isTrue();
  }

  @Test
  void environmentValue_isCommaSeparated_andTheFileWinsOverIt() throws IOException {
    TerminalTokens fromEnv = TerminalSecrets.load(null, " " + PREVIOUS + " , " + CURRENT);
    assertThat(fromEnv.issue("T1")).isEqualTo(TerminalTokens.issue(utf8(PREVIOUS), "T1"));
    Path file = Files.writeString(dir.resolve("secrets"), CURRENT);
    TerminalTokens both = TerminalSecrets.load(file, PREVIOUS);
    assertThat(both.secretCount()).isEqualTo(1);
    assertThat(both.issue("T1")).isEqualTo(TerminalTokens.issue(utf8(CURRENT), "T1"));
  }

  @Test
  void errors_nameTheFlagOrTheVariable_butNeverTheSecret() throws IOException {
    String tooShort = "short-but-secret";
    Path file = Files.writeString(dir.resolve("secrets"), CURRENT + "\n" + tooShort);
    assertThatThrownBy(() -> TerminalSecrets.load(file, null))
        .hasMessage("terminal-secret-file: " + file + ": secret 2 has 16 characters "
            + "(expected: >= 32)")
        .message().doesNotContain(tooShort);
    assertThatThrownBy(() -> TerminalSecrets.load(null, CURRENT + "," + tooShort))
        .hasMessage("POSRELAY_TERMINAL_SECRETS: secret 2 has 16 characters (expected: >= 32)");
    assertThatThrownBy(() -> TerminalSecrets.load(null, CURRENT + "," + PREVIOUS + "," + CURRENT))
        .hasMessageStartingWith("POSRELAY_TERMINAL_SECRETS: 3 secrets (expected: 1 or 2")
        .message().doesNotContain(CURRENT);
    Path empty = Files.writeString(dir.resolve("empty"), "\n \n");
    assertThatThrownBy(() -> TerminalSecrets.load(empty, null))
        .hasMessageStartingWith("terminal-secret-file: " + empty + ": 0 secrets");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> TerminalSecrets.load(missing, null))
        .hasMessage("terminal-secret-file: " + missing
            + " (expected: a readable file; NoSuchFileException)");
  }
}
