package io.posrelay.runtime.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.runtime.secrets.RotatingSecrets.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one loader of ILK secrets, terminal secrets and operator tokens (it replaced four copies:
 * IlkSecrets, TerminalSecrets, OperatorTokens and AdminToken, whose tests are gathered here).
 */
class RotatingSecretsTest {
  static final String CURRENT = "current-secret-0123456789abcdef-0123";
  static final String PREVIOUS = "previous-secret-0123456789abcdef-012";

  @TempDir Path dir;

  private RotatingSecrets load(Path file, String value, Rule rule) {
    return RotatingSecrets.load(file, "secret-file", value, "POSRELAY_SECRETS", rule)
        .orElseThrow();
  }

  @Test
  void nothingConfigured_isOff() {
    assertThat(RotatingSecrets.load(null, "f", null, "v", Rule.HMAC_SECRET)).isEmpty();
    assertThat(RotatingSecrets.load(null, "f", "  ", "v", Rule.HMAC_SECRET)).isEmpty();
  }

  @Test
  void file_holdsCurrentThenPrevious_oneALine_blankLinesAndSpacesIgnored() throws Exception {
    Path file = Files.writeString(dir.resolve("secrets"),
        "\n  " + CURRENT + "  \r\n\n" + PREVIOUS + "\n");

    RotatingSecrets secrets = load(file, null, Rule.HMAC_SECRET);

    assertThat(secrets.size()).isEqualTo(2);
    assertThat(secrets.current()).isEqualTo(CURRENT.getBytes(UTF_8));
    assertThat(secrets.currentText()).isEqualTo(CURRENT);
    assertThat(secrets.all().get(1)).isEqualTo(PREVIOUS.getBytes(UTF_8));
  }

  @Test
  void value_isCommaSeparated_andTheFileWinsOverIt() throws Exception {
    RotatingSecrets fromValue = load(null, " " + CURRENT + " , " + PREVIOUS, Rule.HMAC_SECRET);
    assertThat(fromValue.size()).isEqualTo(2);
    assertThat(fromValue.currentText()).isEqualTo(CURRENT);

    Path file = Files.writeString(dir.resolve("secrets"), PREVIOUS);
    RotatingSecrets both = load(file, CURRENT, Rule.HMAC_SECRET);
    assertThat(both.size()).isEqualTo(1);
    assertThat(both.currentText()).isEqualTo(PREVIOUS);
    assertThat(both.matches(CURRENT)).as("the value's secret is not accepted as well").isFalse();
  }

  @Test
  void matches_acceptsEitherSecretOfARotation_andNothingElse() {
    RotatingSecrets tokens = RotatingSecrets.of(Rule.BEARER_TOKEN, CURRENT, PREVIOUS);

    assertThat(tokens.matches(CURRENT)).isTrue();
    assertThat(tokens.matches(PREVIOUS)).isTrue();
    assertThat(tokens.matches(CURRENT + "x")).isFalse();
    assertThat(tokens.matches(CURRENT.substring(1))).isFalse();
    assertThat(tokens.matches("")).isFalse();
  }

  @Test
  void shortSecret_isRejected_namingTheSourceButNotTheSecret() throws Exception {
    String tooShort = "too-short-secret";
    assertThatThrownBy(() -> load(null, CURRENT + "," + tooShort, Rule.HMAC_SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("POSRELAY_SECRETS: secret 2 has 16 characters (expected: 32..4096"
            + " characters)")
        .message().doesNotContain(tooShort).doesNotContain(CURRENT);
    Path file = Files.writeString(dir.resolve("secrets"), CURRENT + "\n" + tooShort);
    assertThatThrownBy(() -> load(file, null, Rule.HMAC_SECRET))
        .hasMessageStartingWith("secret-file: " + file + ": secret 2 has 16 characters")
        .message().doesNotContain(tooShort);
  }

  @Test
  void badToken_isRejected_withoutItsLengthOrContent() {
    String shortToken = "short-secret-value";
    assertThatThrownBy(() -> load(null, shortToken, Rule.BEARER_TOKEN))
        .hasMessage("POSRELAY_SECRETS: token 1 is not valid (expected: 32..1024 visible ASCII"
            + " characters, no spaces)")
        .hasMessageNotContaining(shortToken);
    String spaced = "a token with spaces in it that is long enough";
    assertThatThrownBy(() -> load(null, CURRENT + "," + spaced, Rule.BEARER_TOKEN))
        .hasMessageStartingWith("POSRELAY_SECRETS: token 2 is not valid")
        .hasMessageNotContaining(CURRENT).hasMessageNotContaining(spaced);
  }

  @Test
  void threeSecrets_orNone_areRejected() throws Exception {
    Path three = Files.writeString(dir.resolve("three"),
        CURRENT + "\n" + PREVIOUS + "\n" + CURRENT + "x\n");
    assertThatThrownBy(() -> load(three, null, Rule.HMAC_SECRET))
        .hasMessage("secret-file: " + three + ": 3 secrets (expected: 1, or 2 during a rotation;"
            + " one a line, the current one first)");
    assertThatThrownBy(() -> load(null, CURRENT + "," + PREVIOUS + "," + CURRENT,
        Rule.BEARER_TOKEN))
        .hasMessageStartingWith("POSRELAY_SECRETS: 3 tokens (expected: 1, or 2 during a rotation")
        .message().doesNotContain(CURRENT);
    Path empty = Files.writeString(dir.resolve("empty"), "\n \n");
    assertThatThrownBy(() -> load(empty, CURRENT, Rule.HMAC_SECRET))
        .hasMessageStartingWith("secret-file: " + empty + ": 0 secrets");
  }

  @Test
  void unreadableHugeOrBinaryFile_isRejected_namingTheKey() throws Exception {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> load(missing, null, Rule.HMAC_SECRET))
        .hasMessage("secret-file: " + missing + ": cannot read it (NoSuchFileException)");
    Path huge = Files.writeString(dir.resolve("huge"), "x".repeat(20_000));
    assertThatThrownBy(() -> load(huge, null, Rule.BEARER_TOKEN))
        .hasMessageContaining("larger than 16384 bytes");
    Path binary = Files.write(dir.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
    assertThatThrownBy(() -> load(binary, null, Rule.HMAC_SECRET))
        .hasMessage("secret-file: " + binary + " (expected: UTF-8 text)");
  }

  /**
   * Found by fuzzing ilk-ingest's signature check (CallbackSignatureFuzzTest, when the loader was
   * ilk-ingest's IlkSecrets): a generated secret ending in U+3000 (ideographic space) lost it, as
   * surrounding whitespace is ignored, and so fell below 32 characters. Kept: whitespace of any
   * script is stripped, then the rest counted.
   */
  @Test
  void secretWithSurroundingUnicodeWhitespace_isStrippedBeforeItIsCounted() {
    String secret = "s".repeat(31) + "\u3000";

    assertThatThrownBy(() -> RotatingSecrets.of(Rule.HMAC_SECRET, secret))
        .hasMessage("secrets: secret 1 has 31 characters (expected: 32..4096 characters)");
    assertThat(RotatingSecrets.of(Rule.HMAC_SECRET, "\u2003" + "s".repeat(32) + "\u3000")
        .current()).isEqualTo("s".repeat(32).getBytes(UTF_8));
  }

  @Test
  void length_isCountedInCharacters_notUtf16UnitsOrBytes() {
    String emoji = "\uD83D\uDD11"; // U+1F511, two UTF-16 units, four UTF-8 bytes
    assertThatThrownBy(() -> RotatingSecrets.of(Rule.HMAC_SECRET, emoji.repeat(31)))
        .hasMessage("secrets: secret 1 has 31 characters (expected: 32..4096 characters)");
    assertThat(RotatingSecrets.of(Rule.HMAC_SECRET, emoji.repeat(32)).current())
        .isEqualTo(emoji.repeat(32).getBytes(UTF_8));
  }

  @Test
  void toString_neverShowsASecret_andCurrentIsACopy() {
    RotatingSecrets secrets = RotatingSecrets.of(Rule.HMAC_SECRET, CURRENT, PREVIOUS);

    assertThat(secrets).hasToString("RotatingSecrets[2]");
    secrets.current()[0] = 'X';
    secrets.all().get(0)[0] = 'X';
    assertThat(secrets.current()).isEqualTo(CURRENT.getBytes(UTF_8));
  }
}
