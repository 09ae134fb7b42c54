package io.posrelay.pos.v1.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TerminalTokensTest {
  private static final byte[] CURRENT =
      "current-secret-0123456789-abcdefghijklm".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PREVIOUS =
      "previous-secret-0123456789-abcdefghijkl".getBytes(StandardCharsets.UTF_8);

  @Test
  void workedExampleOfTheProtocolDoc_isWhatIssueComputes() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "pos-protocol.md"));
    Map<String, String> example = new HashMap<>();
    Matcher line = Pattern.compile("(?m)^(secret|terminal_id|HMAC input|HMAC-SHA256|auth_token)"
        + " +(\\S+)$").matcher(doc);
    while (line.find()) {
      example.put(line.group(1), line.group(2));
    }
    assertThat(example).containsOnlyKeys(
        "secret", "terminal_id", "HMAC input", "HMAC-SHA256", "auth_token");
    byte[] secret = example.get("secret").getBytes(StandardCharsets.UTF_8);
    String terminalId = example.get("terminal_id");

    assertThat(example.get("HMAC input")).isEqualTo(TerminalTokens.CONTEXT + terminalId);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    assertThat(HexFormat.of().formatHex(
            mac.doFinal(example.get("HMAC input").getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(example.get("HMAC-SHA256"));
    assertThat(TerminalTokens.issue(secret, terminalId)).isEqualTo(example.get("auth_token"));
    assertThat(new TerminalTokens(List.of(secret)).verify(terminalId, example.get("auth_token")))
        .isTrue();
  }

  @Test
  void issue_is43CharactersOfUnpaddedBase64Url() {
    assertThat(TerminalTokens.issue(CURRENT, "T0001"))
        .hasSize(TerminalTokens.TOKEN_CHARS)
        .matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void verify_acceptsTheCurrentAndThePreviousSecret_andNothingElse() {
    TerminalTokens tokens = new TerminalTokens(List.of(CURRENT, PREVIOUS));
    assertThat(tokens.verify("T0001", TerminalTokens.issue(CURRENT, "T0001"))).isTrue();
    assertThat(tokens.verify("T0001", TerminalTokens.issue(PREVIOUS, "T0001"))).isTrue();
    assertThat(tokens.issue("T0001")).isEqualTo(TerminalTokens.issue(CURRENT, "T0001"));

    assertThat(tokens.verify("T0002", TerminalTokens.issue(CURRENT, "T0001"))).isFalse();
    String token = TerminalTokens.issue(CURRENT, "T0001");
    assertThat(tokens.verify("T0001", token.substring(0, 42))).isFalse();
    assertThat(tokens.verify("T0001", token + "A")).isFalse();
    assertThat(tokens.verify("T0001", "")).isFalse();
    assertThat(tokens.verify("T0001", token.toLowerCase())).isFalse();
    byte[] other = "another-secret-0123456789-abcdefghijklmn".getBytes(StandardCharsets.UTF_8);
    assertThat(tokens.verify("T0001", TerminalTokens.issue(other, "T0001"))).isFalse();
  }

  @Test
  void constructor_wantsOneOrTwoLongEnoughSecrets_andNeverShowsThem() {
    assertThatThrownBy(() -> new TerminalTokens(List.of()))
        .hasMessageContaining("expected: 1 or 2");
    assertThatThrownBy(() -> new TerminalTokens(List.of(CURRENT, PREVIOUS, CURRENT)))
        .hasMessageContaining("expected: 1 or 2");
    byte[] shortSecret = "short-secret".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new TerminalTokens(List.of(CURRENT, shortSecret)))
        .hasMessage("terminal secret 2: 12 bytes (expected: >= 32)");
    assertThat(new TerminalTokens(List.of(CURRENT)).toString())
        .isEqualTo("TerminalTokens{secrets=1}");
  }

  @Test
  void secretsAreCopied() {
    byte[] secret = CURRENT.clone();
    TerminalTokens tokens = new TerminalTokens(List.of(secret));
    String before = tokens.issue("T0001");
    secret[0] ^= 1;
    assertThat(tokens.issue("T0001")).isEqualTo(before);
  }
}
