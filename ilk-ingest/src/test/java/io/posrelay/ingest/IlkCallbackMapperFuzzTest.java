package io.posrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.posrelay.v1.PaymentResult;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Property-based fuzzing of the webhook's JSON mapping: whatever the body, {@link
 * IlkCallbackMapper#map} returns a result that keeps every rule, or throws an {@link
 * InvalidCallbackException} naming the field; never another exception, never a hang. Generators:
 * {@link CallbackArbitraries}.
 */
class IlkCallbackMapperFuzzTest {

  static final Set<String> FIELDS = Set.of("transactionId", "terminalId", "resultCode", "amount",
      "merchantId", "orderId", "resultMessage", "currency", "approvalNumber", "cardNumberMasked",
      "installmentMonths", "approvedAt");
  private static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final IlkCallbackMapper mapper = new IlkCallbackMapper(Clock.fixed(NOW, ZoneOffset.UTC));

  /** The outcome of one mapping: the result, or the rejection. */
  private record Outcome(@Nullable PaymentResult result, @Nullable InvalidCallbackException error) {}

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

  @Property(tries = 15_000, generation = GenerationMode.RANDOMIZED)
  void anyBytes_areMappedOrRejectedClearly(@ForAll("anyBytes") byte[] body) {
    Outcome outcome = map(body);
    if (outcome.error() != null) {
      assertClearRejection(outcome.error());
    } else {
      assertKeepsTheRules(outcome.result());
    }
  }

  @Property(tries = 8_000, generation = GenerationMode.RANDOMIZED)
  void editedJsonText_isMappedOrRejectedClearly(@ForAll("editedJson") byte[] body) {
    Outcome outcome = map(body);
    if (outcome.error() != null) {
      assertClearRejection(outcome.error());
    } else {
      assertKeepsTheRules(outcome.result());
    }
  }

  @Property(tries = 5_000, generation = GenerationMode.RANDOMIZED, edgeCases = EdgeCasesMode.NONE)
  void callbacksWithFuzzedFields_areRejectedNamingAFuzzedField_orKeepTheRules(
      @ForAll("fieldEdits") List<CallbackArbitraries.FieldEdit> edits) throws Exception {
    Map<String, Object> callback = CallbackArbitraries.validBody();
    for (CallbackArbitraries.FieldEdit edit : edits) {
      edit.applyTo(callback);
    }

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    if (outcome.error() != null) {
      assertClearRejection(outcome.error());
      // The untouched fields are valid, so the field blamed must be one the generator changed.
      assertThat(outcome.error().error()).isEqualTo("invalid_field");
      assertThat(edits).extracting(CallbackArbitraries.FieldEdit::name)
          .contains(outcome.error().field());
    } else {
      assertKeepsTheRules(outcome.result());
    }
  }

  @Property(tries = 6_000, generation = GenerationMode.RANDOMIZED)
  void validCallbacks_areAccepted_andMappedFaithfully(
      @ForAll("validCallbacks") Map<String, Object> body) throws Exception {
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

  @Property(tries = 14_000, generation = GenerationMode.RANDOMIZED)
  void aPanWithAnySeparators_isNeverAcceptedAsAMaskedCardNumber(
      @ForAll("separatedPans") CallbackArbitraries.SeparatedPan pan) throws Exception {
    Map<String, Object> callback = CallbackArbitraries.validBody();
    callback.put("cardNumberMasked", pan.text());

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    assertThat(outcome.error()).as("accepted %s", pan).isNotNull();
    assertThat(outcome.error().field()).isEqualTo("cardNumberMasked");
    assertThat(outcome.error().getMessage()).doesNotContain(pan.digits().substring(0, 8));
  }

  /** Found by {@link #callbacksWithFuzzedFields_areRejectedNamingAFuzzedField_orKeepTheRules}. */
  @Example
  void loneSurrogateInANestedFieldName_isMalformedJson_aClearRejection() throws Exception {
    Map<String, Object> callback = CallbackArbitraries.validBody();
    callback.put("transactionId", Map.of("\ud800", 1));

    Outcome outcome = map(JSON.writeValueAsBytes(callback));

    assertThat(outcome.error()).isNotNull();
    assertClearRejection(outcome.error());
    assertThat(outcome.error().error()).isEqualTo("malformed_json");
  }

  @Provide
  Arbitrary<byte[]> anyBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
  }

  @Provide
  Arbitrary<byte[]> editedJson() {
    return CallbackArbitraries.editedJson();
  }

  @Provide
  Arbitrary<List<CallbackArbitraries.FieldEdit>> fieldEdits() {
    return CallbackArbitraries.fieldEdits(List.copyOf(FIELDS)).list().ofMinSize(1).ofMaxSize(4);
  }

  @Provide
  Arbitrary<Map<String, Object>> validCallbacks() {
    return CallbackArbitraries.validCallbacks();
  }

  @Provide
  Arbitrary<CallbackArbitraries.SeparatedPan> separatedPans() {
    return CallbackArbitraries.separatedPans();
  }
}
