package io.posrelay.ingest.callback;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.netty.buffer.ByteBuf;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ingest.callback.CallbackJsonReader.Fields;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;

/**
 * Parses and validates an ILK callback body (JSON) and maps it to a {@link PaymentResult}.
 *
 * <p>Rules (first failure wins; fields checked in this order; unknown fields are ignored; a JSON
 * {@code null} counts as absent):
 *
 * <pre>
 * transactionId     string, required, 1–64 visible ASCII characters (0x21–0x7E)
 * terminalId        string, required, [A-Za-z0-9_-]{1,64}
 * resultCode        string, required, 1–16 visible ASCII characters
 * amount            JSON integer, required, 0..2^63-1 (no fraction, exponent or quotes)
 * merchantId        string, optional, ≤ 64 characters
 * orderId           string, optional, ≤ 64 characters
 * resultMessage     string, optional, ≤ 256 characters
 * currency          string, optional, [A-Z]{3}, default "KRW"
 * approvalNumber    string, optional, ≤ 64 characters
 * cardNumberMasked  string, optional, masked (see MaskedCardNumbers), never a full PAN
 * installmentMonths JSON integer, optional, 0..99, default 0
 * approvedAt        string, optional, ISO-8601 date-time with offset, e.g. 2026-11-29T12:00:00+09:00
 * </pre>
 *
 * Strings must not contain control characters or unpaired surrogates; lengths count code points.
 * Whole-body limits ({@code json_limit}): nesting ≤ 16, any string ≤ 65,536 characters, a field
 * name ≤ 256, a number ≤ 64 characters, ≤ 100,000 tokens.
 * The result gets {@code result_id = IlkResultIds.resultIdOf(transactionId)}, {@code received_at
 * = clock.instant()} and {@code attempt = 1}. Thread-safe.
 */
public final class IlkCallbackMapper {

  static final int MAX_ID_CHARS = 64;
  static final int MAX_RESULT_CODE_CHARS = 16;
  static final int MAX_RESULT_MESSAGE_CHARS = 256;
  static final int MAX_INSTALLMENT_MONTHS = 99;
  static final String DEFAULT_CURRENCY = "KRW";
  /** JSON limits, whatever max-body-bytes is; over one is 400 {@code json_limit}. */
  static final int MAX_NESTING_DEPTH = 16;
  static final int MAX_STRING_CHARS = 64 * 1024;
  static final int MAX_NAME_CHARS = 256;
  static final int MAX_NUMBER_CHARS = 64;
  static final long MAX_TOKENS = 100_000;

  /** google.protobuf.Timestamp range: 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z. */
  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L;
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L;

  private final CallbackJsonReader reader = new CallbackJsonReader();
  private final Clock clock;

  /**
   * @param clock gives each result its {@code received_at}; {@code Clock.systemUTC()} but in
   *     tests
   */
  public IlkCallbackMapper(Clock clock) {
    this.clock = clock;
  }

  /**
   * Maps one callback body.
   *
   * @param body the raw request body (JSON, UTF-8/16/32 detected); not consumed or released
   * @return the result to publish, with {@code result_id}, {@code received_at} and {@code
   *     attempt} set as the class doc says
   * @throws InvalidCallbackException {@code malformed_json} (field null), {@code json_limit}
   *     (field null) or {@code invalid_field} naming the first invalid field
   */
  public PaymentResult map(ByteBuf body) throws InvalidCallbackException {
    Fields fields = reader.read(body);
    String transactionId = required(fields, "transactionId", MAX_ID_CHARS);
    check("transactionId", isVisibleAscii(transactionId),
        "must be 1-" + MAX_ID_CHARS + " visible ASCII characters (no spaces)");
    String terminalId = required(fields, "terminalId", MAX_ID_CHARS);
    check("terminalId", isTerminalId(terminalId), "must match [A-Za-z0-9_-]{1,64}");
    String resultCode = required(fields, "resultCode", MAX_RESULT_CODE_CHARS);
    check("resultCode", isVisibleAscii(resultCode),
        "must be 1-" + MAX_RESULT_CODE_CHARS + " visible ASCII characters (no spaces)");
    long amount = amount(fields);

    PaymentResult.Builder result = PaymentResult.newBuilder()
        .setResultId(IlkResultIds.resultIdOf(transactionId))
        .setTransactionId(transactionId)
        .setTerminalId(terminalId)
        .setResultCode(resultCode)
        .setAmount(amount)
        .setMerchantId(orEmpty(optional(fields, "merchantId", MAX_ID_CHARS)))
        .setOrderId(orEmpty(optional(fields, "orderId", MAX_ID_CHARS)))
        .setResultMessage(orEmpty(optional(fields, "resultMessage", MAX_RESULT_MESSAGE_CHARS)))
        .setCurrency(currency(fields))
        .setApprovalNumber(orEmpty(optional(fields, "approvalNumber", MAX_ID_CHARS)))
        .setCardNumberMasked(cardNumberMasked(fields))
        .setInstallmentMonths(installmentMonths(fields))
        .setReceivedAt(timestamp(clock.instant()))
        .setAttempt(1);
    Instant approvedAt = approvedAt(fields);
    if (approvedAt != null) {
      result.setApprovedAt(timestamp(approvedAt));
    }
    return result.build();
  }

  private static String required(Fields fields, String field, int maxChars)
      throws InvalidCallbackException {
    String value = optional(fields, field, maxChars);
    if (value == null) {
      throw InvalidCallbackException.invalidField(field, "is required");
    }
    if (value.isEmpty()) {
      throw InvalidCallbackException.invalidField(field, "must not be empty");
    }
    return value;
  }

  private static @Nullable String optional(Fields fields, String field, int maxChars)
      throws InvalidCallbackException {
    JsonNode node = fields.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw InvalidCallbackException.invalidField(field, "must be a JSON string");
    }
    String value = node.textValue();
    if (value.length() > maxChars * 2 || value.codePointCount(0, value.length()) > maxChars) {
      throw InvalidCallbackException.invalidField(field,
          "must be at most " + maxChars + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        throw InvalidCallbackException.invalidField(field, "must not contain control characters");
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw InvalidCallbackException.invalidField(field, "must be valid Unicode text");
      }
    }
    return value;
  }

  private static void check(String field, boolean valid, String problem)
      throws InvalidCallbackException {
    if (!valid) {
      throw InvalidCallbackException.invalidField(field, problem);
    }
  }

  /** {@code [\x21-\x7E]+}, without a regex matcher per callback. */
  static boolean isVisibleAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return !value.isEmpty();
  }

  /** {@code [A-Za-z0-9_-]{1,64}}. */
  static boolean isTerminalId(String value) {
    if (value.isEmpty() || value.length() > MAX_ID_CHARS) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Z]{3}}. */
  static boolean isCurrency(String value) {
    if (value.length() != 3) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      char c = value.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return true;
  }

  private static long amount(Fields fields) throws InvalidCallbackException {
    JsonNode node = fields.get("amount");
    if (node == null || node.isNull()) {
      throw InvalidCallbackException.invalidField("amount", "is required");
    }
    if (!node.isIntegralNumber()) {
      throw InvalidCallbackException.invalidField("amount",
          "must be a JSON integer in minor units, e.g. 1000 (no fraction, exponent or quotes)");
    }
    if (!node.canConvertToLong() || node.longValue() < 0) {
      throw InvalidCallbackException.invalidField("amount",
          "must be between 0 and 9223372036854775807");
    }
    return node.longValue();
  }

  private static String currency(Fields fields) throws InvalidCallbackException {
    String value = optional(fields, "currency", 3);
    if (value == null) {
      return DEFAULT_CURRENCY;
    }
    check("currency", isCurrency(value),
        "must be an ISO 4217 code of 3 uppercase letters, e.g. KRW");
    return value;
  }

  private static String cardNumberMasked(Fields fields) throws InvalidCallbackException {
    String value = optional(fields, "cardNumberMasked", MaskedCardNumbers.MAX_CHARS);
    if (value == null || value.isEmpty()) {
      return "";
    }
    String problem = MaskedCardNumbers.problemWith(value);
    if (problem != null) {
      throw InvalidCallbackException.invalidField("cardNumberMasked", problem);
    }
    return value;
  }

  private static int installmentMonths(Fields fields) throws InvalidCallbackException {
    JsonNode node = fields.get("installmentMonths");
    if (node == null || node.isNull()) {
      return 0;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0
        || node.intValue() > MAX_INSTALLMENT_MONTHS) {
      throw InvalidCallbackException.invalidField("installmentMonths",
          "must be a JSON integer 0.." + MAX_INSTALLMENT_MONTHS + " (0 = lump sum)");
    }
    return node.intValue();
  }

  private static @Nullable Instant approvedAt(Fields fields) throws InvalidCallbackException {
    String value = optional(fields, "approvedAt", MAX_ID_CHARS);
    if (value == null) {
      return null;
    }
    String problem = "must be an ISO-8601 date-time with an offset, e.g. 2026-11-29T12:00:00+09:00";
    Instant instant;
    try {
      instant = ApprovedAtParser.parse(value);
    } catch (DateTimeParseException e) {
      throw InvalidCallbackException.invalidField("approvedAt", problem);
    }
    if (instant.getEpochSecond() < MIN_TIMESTAMP_SECONDS
        || instant.getEpochSecond() > MAX_TIMESTAMP_SECONDS) {
      throw InvalidCallbackException.invalidField("approvedAt", "must be in years 0001..9999");
    }
    return instant;
  }

  private static String orEmpty(@Nullable String value) {
    return value == null ? "" : value;
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
