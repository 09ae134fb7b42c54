package io.posrelay.ingest;

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
}
