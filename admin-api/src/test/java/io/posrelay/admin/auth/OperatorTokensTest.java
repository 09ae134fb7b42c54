package io.posrelay.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorTokensTest {
  static final String CURRENT = "current-operator-token-0123456789abcdef";
  static final String PREVIOUS = "previous-operator-token-0123456789abcdef";

  @TempDir Path dir;

  @Test
  void file_ofTwoLines_acceptsBoth_andSendsTheFirst() throws Exception {
    Path file =
        Files.writeString(dir.resolve("tokens"), "\n  " + CURRENT + "  \n\n" + PREVIOUS + "\n");

    OperatorTokens tokens = OperatorTokens.load(file, "operator-token-file", null, "ENV");

    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.current()).isEqualTo(CURRENT);
    assertThat(tokens.accepts(CURRENT)).isTrue();
    assertThat(tokens.accepts(PREVIOUS)).isTrue();
    assertThat(tokens.accepts(CURRENT + "x")).isFalse();
    assertThat(tokens.accepts(CURRENT.substring(1))).isFalse();
    assertThat(tokens.accepts("")).isFalse();
  }

  @Test
  void env_isCommaSeparated_andTheFileWinsWhenBothAreGiven() throws Exception {
    OperatorTokens fromEnv =
        OperatorTokens.load(null, "operator-token-file", " " + CURRENT + " , " + PREVIOUS, "ENV");
    assertThat(fromEnv.size()).isEqualTo(2);
    assertThat(fromEnv.current()).isEqualTo(CURRENT);

    Path file = Files.writeString(dir.resolve("tokens"), PREVIOUS);
    OperatorTokens both = OperatorTokens.load(file, "operator-token-file", CURRENT, "ENV");
    assertThat(both.size()).isEqualTo(1);
    assertThat(both.current()).isEqualTo(PREVIOUS);
    assertThat(both.accepts(CURRENT)).isFalse();
  }

  @Test
  void nothingConfigured_isNone_andAcceptsNothingItself() {
    OperatorTokens none = OperatorTokens.load(null, "operator-token-file", "  ", "ENV");

    assertThat(none).isSameAs(OperatorTokens.NONE);
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.accepts(CURRENT)).isFalse();
    assertThat(none).hasToString("off");
    assertThatThrownBy(none::current).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void badValues_failNamingTheSource_withoutPrintingAToken() throws Exception {
    String shortToken = "short-secret-value";
    assertThatThrownBy(() -> OperatorTokens.load(null, "f", shortToken, "POSRELAY_OPERATOR_TOKENS"))
        .hasMessageStartingWith(
            "POSRELAY_OPERATOR_TOKENS: token 1 is not valid (expected: 32..1024")
        .hasMessageNotContaining(shortToken);
    String spaced = "a token with spaces in it that is long enough";
    assertThatThrownBy(() -> OperatorTokens.load(null, "f", CURRENT + "," + spaced, "ENV"))
        .hasMessageStartingWith("ENV: token 2 is not valid")
        .hasMessageNotContaining(CURRENT).hasMessageNotContaining(spaced);
    assertThatThrownBy(() -> OperatorTokens.load(null, "f", CURRENT + "," + PREVIOUS + "," + CURRENT
        .toUpperCase(), "ENV"))
        .hasMessage(
            "ENV: 3 tokens (expected: one, or two during a rotation: the current one first)");

    Path empty = Files.writeString(dir.resolve("empty"), "\n \n");
    assertThatThrownBy(() -> OperatorTokens.load(empty, "operator-token-file", CURRENT, "ENV"))
        .hasMessageStartingWith("operator-token-file: " + empty + ": 0 tokens");
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> OperatorTokens.load(missing, "operator-token-file", null, "ENV"))
        .hasMessageStartingWith("operator-token-file: " + missing + " cannot be read");
    Path huge = Files.writeString(dir.resolve("huge"), "x".repeat(20_000));
    assertThatThrownBy(() -> OperatorTokens.load(huge, "operator-token-file", null, "ENV"))
        .hasMessageContaining("is larger than 16384 bytes");
  }

  @Test
  void toString_showsHowManyTokens_neverOne() {
    OperatorTokens tokens = OperatorTokens.load(null, "f", CURRENT + "," + PREVIOUS, "ENV");

    assertThat(tokens).hasToString("2 tokens");
  }
}
