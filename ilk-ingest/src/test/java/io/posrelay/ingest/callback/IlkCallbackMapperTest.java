package io.posrelay.ingest.callback;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.netty.buffer.Unpooled;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.PaymentResult;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class IlkCallbackMapperTest {

  private static final Instant NOW = Instant.parse("2026-11-29T03:00:01.250Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Object ABSENT = new Object();

  private final IlkCallbackMapper mapper = new IlkCallbackMapper(Clock.fixed(NOW, ZoneOffset.UTC));

  static Map<String, Object> fullCallback() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("transactionId", "ILK20261129000001");
    body.put("terminalId", "CAT-0001");
    body.put("merchantId", "MID-77");
    body.put("orderId", "ORD-123");
    body.put("resultCode", "0000");
    body.put("resultMessage", "정상승인");
    body.put("amount", 15000);
    body.put("currency", "KRW");
    body.put("approvalNumber", "30012345");
    body.put("cardNumberMasked", "536148******0012");
    body.put("installmentMonths", 3);
    body.put("approvedAt", "2026-11-29T12:00:00+09:00");
    return body;
  }

  private PaymentResult map(String json) throws InvalidCallbackException {
    return mapper.map(Unpooled.wrappedBuffer(json.getBytes(UTF_8)));
  }

  private PaymentResult map(Map<String, Object> body) throws Exception {
    return map(JSON.writeValueAsString(body));
  }

  private static Map<String, Object> with(String field, Object value) {
    Map<String, Object> body = fullCallback();
    if (value == ABSENT) {
      body.remove(field);
    } else {
      body.put(field, value);
    }
    return body;
  }

  @Test
  void fullCallback_mapsEveryField() throws Exception {
    PaymentResult result = map(fullCallback());

    assertThat(result).isEqualTo(PaymentResult.newBuilder()
        .setResultId(IlkResultIds.resultIdOf("ILK20261129000001"))
        .setTransactionId("ILK20261129000001")
        .setTerminalId("CAT-0001")
        .setMerchantId("MID-77")
        .setOrderId("ORD-123")
        .setResultCode("0000")
        .setResultMessage("정상승인")
        .setAmount(15000)
        .setCurrency("KRW")
        .setApprovalNumber("30012345")
        .setCardNumberMasked("536148******0012")
        .setInstallmentMonths(3)
        .setApprovedAt(Timestamp.newBuilder().setSeconds(
            Instant.parse("2026-11-29T03:00:00Z").getEpochSecond()))
        .setReceivedAt(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond())
            .setNanos(250_000_000))
        .setAttempt(1)
        .build());
  }

  @Test
  void requiredFieldsOnly_getDefaults() throws Exception {
    PaymentResult result = map(
        "{\"transactionId\":\"T1\",\"terminalId\":\"T_1\",\"resultCode\":\"0000\",\"amount\":0}");

    assertThat(result.getCurrency()).isEqualTo("KRW");
    assertThat(result.getInstallmentMonths()).isZero();
    assertThat(result.hasApprovedAt()).isFalse();
    assertThat(result.getAmount()).isZero();
    assertThat(result.getMerchantId()).isEmpty();
    assertThat(result.getCardNumberMasked()).isEmpty();
    assertThat(result.getAttempt()).isEqualTo(1);
    assertThat(result.getResultId()).isEqualTo(IlkResultIds.resultIdOf("T1"));
  }

  @Test
  void nullOptionalFields_areTreatedAsAbsent() throws Exception {
    Map<String, Object> body = fullCallback();
    for (String field : List.of("merchantId", "orderId", "resultMessage", "currency",
        "approvalNumber", "cardNumberMasked", "installmentMonths", "approvedAt")) {
      body.put(field, null);
    }

    PaymentResult result = map(body);

    assertThat(result.getCurrency()).isEqualTo("KRW");
    assertThat(result.getMerchantId()).isEmpty();
    assertThat(result.hasApprovedAt()).isFalse();
  }

  @Test
  void unknownFields_areIgnored() throws Exception {
    Map<String, Object> body = fullCallback();
    body.put("issuerName", "KB");
    body.put("extra", Map.of("nested", List.of(1, 2, 3)));

    assertThat(map(body).getTerminalId()).isEqualTo("CAT-0001");
  }

  @Test
  void unknownFieldWithLongString_isIgnored_notMalformed() throws Exception {
    // Regression: a 16 KiB string limit in the JSON parser rejected valid bodies under 64 KiB.
    Map<String, Object> body = fullCallback();
    body.put("issuerNote", "x".repeat(40_000));

    assertThat(map(body).getTerminalId()).isEqualTo("CAT-0001");
  }

  @Test
  void largestAmount_andUtcApprovedAt_areAccepted() throws Exception {
    Map<String, Object> body = with("amount", Long.MAX_VALUE);
    body.put("approvedAt", "2026-11-29T03:00:00.5Z");

    PaymentResult result = map(body);

    assertThat(result.getAmount()).isEqualTo(Long.MAX_VALUE);
    assertThat(result.getApprovedAt().getNanos()).isEqualTo(500_000_000);
  }

  @Test
  void retriedCallback_getsSameResultId() throws Exception {
    assertThat(map(fullCallback()).getResultId()).isEqualTo(map(fullCallback()).getResultId());
  }

  static Stream<Arguments> invalidFields() {
    String s65 = "A".repeat(65);
    return Stream.of(
        Arguments.of("transactionId", ABSENT), Arguments.of("transactionId", null),
        Arguments.of("transactionId", ""), Arguments.of("transactionId", s65),
        Arguments.of("transactionId", "has space"), Arguments.of("transactionId", 123),
        Arguments.of("transactionId", "tab\t"),
        Arguments.of("terminalId", ABSENT), Arguments.of("terminalId", ""),
        Arguments.of("terminalId", "CAT 1"), Arguments.of("terminalId", "CAT/1"),
        Arguments.of("terminalId", s65), Arguments.of("terminalId", "단말"),
        Arguments.of("terminalId", List.of("CAT-1")),
        Arguments.of("resultCode", ABSENT), Arguments.of("resultCode", ""),
        Arguments.of("resultCode", "0".repeat(17)), Arguments.of("resultCode", " 000"),
        Arguments.of("amount", ABSENT), Arguments.of("amount", null),
        Arguments.of("amount", 1.5), Arguments.of("amount", 100.0), Arguments.of("amount", "100"),
        Arguments.of("amount", -1), Arguments.of("amount", true),
        Arguments.of("amount", new BigInteger("9223372036854775808")),
        Arguments.of("merchantId", s65), Arguments.of("merchantId", 77),
        Arguments.of("merchantId", "MID\n77"),
        Arguments.of("orderId", s65),
        Arguments.of("resultMessage", "x".repeat(257)),
        Arguments.of("currency", "krw"), Arguments.of("currency", "KR"),
        Arguments.of("currency", "KRWW"), Arguments.of("currency", ""),
        Arguments.of("currency", 410),
        Arguments.of("approvalNumber", s65),
        Arguments.of("cardNumberMasked", "4111111111111111"),
        Arguments.of("cardNumberMasked", "4111 1111 1111 1111"),
        Arguments.of("cardNumberMasked", "1234567890123"),
        Arguments.of("cardNumberMasked", "abcd****1234"),
        Arguments.of("cardNumberMasked", "*".repeat(33)),
        Arguments.of("installmentMonths", -1), Arguments.of("installmentMonths", 100),
        Arguments.of("installmentMonths", 1.5), Arguments.of("installmentMonths", "3"),
        Arguments.of("approvedAt", "2026-11-29T12:00:00"),
        Arguments.of("approvedAt", "2026-11-29"), Arguments.of("approvedAt", "yesterday"),
        Arguments.of("approvedAt", 1764385200));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("invalidFields")
  void invalidField_isRejectedNamingTheField(String field, Object value) {
    InvalidCallbackException e =
        catchThrowableOfType(InvalidCallbackException.class, () -> map(with(field, value)));

    assertThat(e).isNotNull();
    assertThat(e.error()).isEqualTo("invalid_field");
    assertThat(e.field()).isEqualTo(field);
    assertThat(e.getMessage()).startsWith(field + " ");
  }

  @Test
  void unpairedSurrogateEscape_isRejected() throws Exception {
    String json = JSON.writeValueAsString(fullCallback())
        .replace("\"정상승인\"", "\"bad \\ud800 text\"");

    InvalidCallbackException e =
        catchThrowableOfType(InvalidCallbackException.class, () -> map(json));

    assertThat(e.field()).isEqualTo("resultMessage");
  }

  @Test
  void fullPan_isRejected_withoutEchoingIt() {
    InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class,
        () -> map(with("cardNumberMasked", "4111111111111111")));

    assertThat(e.field()).isEqualTo("cardNumberMasked");
    assertThat(e.getMessage()).doesNotContain("4111");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{", "[]", "\"text\"", "42", "null", "{} {}", "{\"a\":1,,}",
      "{\"transactionId\":\"A\",\"transactionId\":\"B\"}", "not json"})
  void malformedBody_isMalformedJson(String body) {
    InvalidCallbackException e =
        catchThrowableOfType(InvalidCallbackException.class, () -> map(body));

    assertThat(e.error()).isEqualTo("malformed_json");
    assertThat(e.field()).isNull();
  }

  static Stream<Arguments> jsonLimitBreaches() {
    return Stream.of(
        Arguments.of("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}",
            "nested deeper than 16 levels"),
        Arguments.of("{\"x\":" + "[".repeat(16) + "]".repeat(16) + "}",
            "nested deeper than 16 levels"),
        Arguments.of("{\"x\":\"" + "a".repeat(64 * 1024 + 1) + "\"}",
            "string in the request body is longer than 65536 characters"),
        Arguments.of("{\"" + "k".repeat(257) + "\":1}",
            "field name in the request body is longer than 256 characters"),
        Arguments.of("{\"amount\":" + "9".repeat(65) + "}",
            "number in the request body is longer than 64 characters"),
        Arguments.of("{\"x\":[" + "0,".repeat(100_000) + "0]}",
            "more than 100000 JSON tokens"));
  }

  @ParameterizedTest
  @MethodSource("jsonLimitBreaches")
  void bodyOverAJsonLimit_isJsonLimit_namingTheLimit(String body, String limit) {
    InvalidCallbackException e =
        catchThrowableOfType(InvalidCallbackException.class, () -> map(body));

    assertThat(e.error()).isEqualTo("json_limit");
    assertThat(e.getMessage()).contains(limit);
  }

  @Test
  void bodyAtTheJsonLimits_isNotRejectedForThem() throws Exception {
    Map<String, Object> body = fullCallback();
    body.put("x".repeat(256), "a".repeat(64 * 1024));
    Object nested = List.of();
    for (int depth = 2; depth < 16; depth++) { // the callback object is level 1
      nested = List.of(nested);
    }
    body.put("nested", nested);

    assertThat(map(body).getTerminalId()).isEqualTo("CAT-0001");
  }

  @Test
  void malformedJson_message_neverEchoesTheBody() {
    InvalidCallbackException e = catchThrowableOfType(InvalidCallbackException.class,
        () -> map("{\"cardNumberMasked\": 4111111111111111x}"));

    assertThat(e.error()).isEqualTo("malformed_json");
    assertThat(e.getMessage()).doesNotContain("4111");
  }
}
