package io.posrelay.ingest.callback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MaskedCardNumbersTest {

  @ParameterizedTest
  @ValueSource(strings = {"123456******1234", "****1234", "1234-56**-****-1234",
      "536148XXXXXX0012", "4111 11## #### 1111", "12345678****1234", "****"})
  void maskedNumbers_areAccepted(String masked) {
    assertThat(MaskedCardNumbers.problemWith(masked)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",
      "5361480000000012*", "*4012888888881881", "378282246310005"})
  void fullPans_areRejectedAsPans(String pan) {
    assertThat(MaskedCardNumbers.containsLuhnValidPan(pan)).isTrue();
    assertThat(MaskedCardNumbers.problemWith(pan)).contains("full card number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1234", "4111111111111112", "123456789012**34", "abcd****1234",
      "1234_****_1234"})
  void unmaskedOrTooRevealingOrOddNumbers_areRejected(String value) {
    assertThat(MaskedCardNumbers.problemWith(value)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111111111111112"})
  void problem_neverContainsTheDigits(String value) {
    assertThat(MaskedCardNumbers.problemWith(value)).doesNotContain("4111");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111.1111.1111.1111", "4111/1111/1111/1111", "4111_1111_1111_1111",
      "4111\t1111\t1111\t1111", "4111\u00a01111\u00a01111\u00a01111",
      "4111\u20131111\u20141111\u22121111", "4111\u30001111\u20091111,1111",
      "\uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11",
      "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", "4111--1111..1111  1111"})
  void pansWithAnySeparator_orInAnyScript_areRejectedAsPans(String pan) {
    assertThat(MaskedCardNumbers.containsLuhnValidPan(pan)).isTrue();
    assertThat(MaskedCardNumbers.problemWith(pan)).contains("full card number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111111111111111", "ILK-4111-1111-1111-1111", "tx 4111.1111.1111.1111"})
  void redact_masksAllButTheFirst6AndLast4Digits_ofAPanLikeValue(String value) {
    String redacted = MaskedCardNumbers.redact(value);

    assertThat(redacted).doesNotContain("4111111111111111").contains("*");
    assertThat(MaskedCardNumbers.containsLuhnValidPan(redacted)).isFalse();
    assertThat(redacted.replaceAll("[^0-9]", "")).isEqualTo("4111111111");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ILK20261129000001", "TX-1", "CAT-0001", "4111111111111112"})
  void redact_leavesOrdinaryIdsAlone(String value) {
    assertThat(MaskedCardNumbers.redact(value)).isEqualTo(value);
  }
}
