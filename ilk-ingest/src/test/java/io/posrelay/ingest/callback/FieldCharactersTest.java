package io.posrelay.ingest.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The mapper's hand-written character checks match the regular expressions the docs give. */
class FieldCharactersTest {
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");
  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "!", "~", "\u007f", "CAT-0001", "CAT_0001", "CAT 0001",
      "CAT/0001", "카드-1", "KRW", "krw", "KRWX", "KR", "K1W", "0000", "tab\there", "a\u0000b",
      "\ud800", "😀", "É", "[", "`", "@", "{", "AZaz09_-",
      "1234567890123456789012345678901234567890123456789012345678901234",
      "12345678901234567890123456789012345678901234567890123456789012345"})
  void edgeCases_matchTheRegexes(String value) {
    assertSameAsRegexes(value);
  }

  @Test
  void randomStrings_matchTheRegexes() {
    Random random = new Random(14);
    String alphabet = "AZaz09_-!~ \u007f\u0080[`@{/:KRW";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(70);
      for (int j = 0; j < length; j++) {
        s.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x100)
            : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertSameAsRegexes(s.toString());
    }
  }

  private static void assertSameAsRegexes(String value) {
    assertThat(IlkCallbackMapper.isVisibleAscii(value)).as(value)
        .isEqualTo(VISIBLE_ASCII.matcher(value).matches());
    assertThat(IlkCallbackMapper.isTerminalId(value)).as(value)
        .isEqualTo(TERMINAL_ID.matcher(value).matches());
    assertThat(IlkCallbackMapper.isCurrency(value)).as(value)
        .isEqualTo(CURRENCY.matcher(value).matches());
  }
}
