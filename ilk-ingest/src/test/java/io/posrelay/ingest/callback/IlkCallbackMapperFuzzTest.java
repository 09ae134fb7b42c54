package io.posrelay.ingest.callback;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.PaymentResult;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the webhook's JSON mapping: whatever the body, {@link
 * IlkCallbackMapper#map} returns a result that keeps every rule, or throws an {@link
 * InvalidCallbackException} naming the field; never another exception, never a hang. The fuzzer's
 * input first picks a {@link Shape} of body, then builds it ({@link CallbackInputs}); each shape
 * has its own, stricter oracle. Run by the surefire execution {@code fuzz} in fuzzing mode; a
 * failing input is written to {@code src/test/resources/io/posrelay/ingest/callback/
 * IlkCallbackMapperFuzzTestInputs/anyBody_isMappedKeepingTheRules_orRejectedClearly/} and replayed
 * from there on every later run.
 */
class IlkCallbackMapperFuzzTest {

  static final Set<String> FIELDS = Set.of("transactionId", "terminalId", "resultCode", "amount",
      "merchantId", "orderId", "resultMessage", "currency", "approvalNumber", "cardNumberMasked",
      "installmentMonths", "approvedAt");
  /** {@link #FIELDS} in a fixed order, so that a saved input replays the same edits. */
  private static final List<String> FIELD_LIST = List.copyOf(new TreeSet<>(FIELDS));
  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IlkCallbackMapper mapper = new IlkCallbackMapper(Clock.fixed(NOW, ZoneOffset.UTC));

  /** What the fuzzer's input is read as, and what must hold for it. */
  enum Shape {
    /** Any bytes: mapped keeping the rules, or rejected clearly. */
    ANY_BYTES,
    /** A valid callback's JSON text with bytes deleted, inserted, replaced or cut: the same. */
    EDITED_JSON,
    /** A valid callback with fields set to fuzzed values: rejected naming a changed field. */
    FUZZED_FIELDS,
    /** A valid callback: accepted and mapped faithfully. */
    VALID_CALLBACK,
    /** A valid callback whose card number is a PAN with any separators: always rejected. */
    PAN_AS_CARD_NUMBER
  }

  /**
   * The one fuzz target (Jazzer fuzzes one per JVM). 50,000 inputs in the {@code fuzz}
   * execution; an input running over 10 s is a finding (a hang).
   */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"{\"transactionId\":\"T1\",\"terminalId\":\"CAT-0001\",\"resultCode\":"
      + "\"0000\",\"amount\":15000}", "\"transactionId\":", "\"terminalId\":", "\"resultCode\":",
      "\"amount\":", "\"merchantId\":", "\"orderId\":", "\"resultMessage\":", "\"currency\":",
      "\"approvalNumber\":", "\"cardNumberMasked\":", "\"installmentMonths\":", "\"approvedAt\":",
      "\"KRW\"", "\"536148******0012\"", "\"2026-11-29T12:00:00+09:00\"", "null", "true",
      "9223372036854775808", "1e3", "\\u0000", "\\ud800", "\"4111111111111111\""})
  @FuzzTest(maxExecutions = 50_000)
  void anyBody_isMappedKeepingTheRules_orRejectedClearly(FuzzedDataProvider data)
      throws Exception {
    switch (data.pickValue(Shape.values())) {
      case ANY_BYTES -> mappedOrRejectedClearly(data.consumeRemainingAsBytes());
      case EDITED_JSON -> mappedOrRejectedClearly(CallbackInputs.editedJson(data));
      case FUZZED_FIELDS -> fuzzedFields_areRejectedNamingAFuzzedField_orKeepTheRules(
          CallbackInputs.fieldEdits(data, FIELD_LIST));
      case VALID_CALLBACK -> validCallback_isAccepted_andMappedFaithfully(
          CallbackInputs.validCallback(data));
      case PAN_AS_CARD_NUMBER -> aPanWithAnySeparators_isNeverAcceptedAsAMaskedCardNumber(
          CallbackInputs.separatedPan(data));
    }
  }

  private void mappedOrRejectedClearly(byte[] body) {
    Outcome outcome = map(body);
    if (outcome.error() != null) {
      assertClearRejection(outcome.error());
    } else {
      assertKeepsTheRules(outcome.result());
    }
  }

  private void fuzzedFields_areRejectedNamingAFuzzedField_orKeepTheRules(
      List<CallbackInputs.FieldEdit> edits) throws Exception {
    Map<String, Object> callback = CallbackInputs.validBody();
    for (CallbackInputs.FieldEdit edit : edits) {
      edit.applyTo(callback);
    }

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    if (outcome.error() != null) {
      assertClearRejection(outcome.error());
      // The untouched fields are valid, so the field blamed must be one the fuzzer changed.
      assertThat(outcome.error().error()).as("rejection of %s", edits).isEqualTo("invalid_field");
      assertThat(edits).extracting(CallbackInputs.FieldEdit::name)
          .contains(outcome.error().field());
    } else {
      assertKeepsTheRules(outcome.result());
    }
  }

  private void validCallback_isAccepted_andMappedFaithfully(Map<String, Object> body)
      throws Exception {
    Outcome outcome = map(JSON.writeValueAsBytes(body));

    assertThat(outcome.error()).as("rejection of %s", body).isNull();
    PaymentResult r = outcome.result();
    assertKeepsTheRules(r);
    assertThat(r.getTransactionId()).isEqualTo(body.get("transactionId"));
    assertThat(r.getTerminalId()).isEqualTo(body.get("terminalId"));
    assertThat(r.getResultCode()).isEqualTo(body.get("resultCode"));
    assertThat(BigInteger.valueOf(r.getAmount())).isEqualTo(new BigInteger(
        body.get("amount").toString()));
    assertThat(r.getResultMessage()).isEqualTo(body.getOrDefault("resultMessage", ""));
    assertThat(r.getCardNumberMasked()).isEqualTo(body.getOrDefault("cardNumberMasked", ""));
    assertThat(r.getCurrency()).isEqualTo(body.getOrDefault("currency", "KRW"));
  }

  private void aPanWithAnySeparators_isNeverAcceptedAsAMaskedCardNumber(
      CallbackInputs.SeparatedPan pan) throws Exception {
    Map<String, Object> callback = CallbackInputs.validBody();
    callback.put("cardNumberMasked", pan.text());

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    assertThat(outcome.error()).as("accepted %s", pan).isNotNull();
    assertThat(outcome.error().field()).isEqualTo("cardNumberMasked");
    assertThat(outcome.error().getMessage()).doesNotContain(pan.digits().substring(0, 8));
  }

  /** Found by fuzzing {@link Shape#FUZZED_FIELDS} inputs; kept as a regression case. */
  @Test
  void loneSurrogateInANestedFieldName_isMalformedJson_aClearRejection() throws Exception {
    Map<String, Object> callback = CallbackInputs.validBody();
    callback.put("transactionId", Map.of("\ud800", 1));

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    assertThat(outcome.error()).isNotNull();
    assertClearRejection(outcome.error());
    assertThat(outcome.error().error()).isEqualTo("malformed_json");
  }

  /**
   * The outcome of one mapping: the result, or the rejection. A class, not a record: Jazzer
   * retransforms loaded classes, and JDK 17 then loses the fields of a record with type-annotated
   * components (JDK-8376185, a NoSuchFieldError).
   */
  private static final class Outcome {
    private final @Nullable PaymentResult result;
    private final @Nullable InvalidCallbackException error;

    Outcome(@Nullable PaymentResult result, @Nullable InvalidCallbackException error) {
      this.result = result;
      this.error = error;
    }

    @Nullable PaymentResult result() {
      return result;
    }

    @Nullable InvalidCallbackException error() {
      return error;
    }
  }

  private Outcome map(byte[] body) {
    try {
      return new Outcome(mapper.map(Unpooled.wrappedBuffer(body)), null);
    } catch (InvalidCallbackException e) {
      return new Outcome(null, e);
    }
  }

  private static void assertClearRejection(InvalidCallbackException e) {
    assertThat(e.error()).isIn("malformed_json", "json_limit", "invalid_field");
    assertThat(e.getMessage()).isNotBlank();
    if (e.error().equals("invalid_field")) {
      assertThat(e.field()).isIn(FIELDS);
      assertThat(e.getMessage()).startsWith(e.field() + " ");
    } else {
      assertThat(e.field()).isNull();
    }
  }

  /** Every rule of the webhook contract holds for an accepted result. */
  private static void assertKeepsTheRules(PaymentResult r) {
    assertThat(r.getTransactionId()).matches("[\\x21-\\x7E]{1,64}");
    assertThat(r.getResultId()).isEqualTo(IlkResultIds.resultIdOf(r.getTransactionId()));
    assertThat(TERMINAL_ID.matcher(r.getTerminalId()).matches()).isTrue();
    assertThat(r.getResultCode()).matches("[\\x21-\\x7E]{1,16}");
    assertThat(r.getAmount()).isNotNegative();
    assertThat(r.getCurrency()).matches("[A-Z]{3}");
    assertThat(r.getInstallmentMonths()).isBetween(0, 99);
    assertThat(r.getCardNumberMasked().isEmpty()
        || MaskedCardNumbers.problemWith(r.getCardNumberMasked()) == null).isTrue();
    assertThat(MaskedCardNumbers.containsLuhnValidPan(r.getCardNumberMasked())).isFalse();
    assertThat(r.getAttempt()).isEqualTo(1);
    assertThat(r.getReceivedAt().getSeconds()).isEqualTo(NOW.getEpochSecond());
  }
}
