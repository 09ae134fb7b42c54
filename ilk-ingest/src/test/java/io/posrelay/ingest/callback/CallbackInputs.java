package io.posrelay.ingest.callback;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * ILK callback bodies built from a fuzzer's input, for {@link IlkCallbackMapperFuzzTest}: valid
 * ones, ones with fuzzed fields, PANs, edited JSON text. Each method consumes what it needs from
 * the {@link FuzzedDataProvider}; an exhausted provider yields the smallest values, so every input
 * builds something.
 */
public final class CallbackInputs {

  private CallbackInputs() {}

  /** A valid callback with every field (the docs' example). */
  static Map<String, Object> validBody() {
    return IlkCallbackMapperTest.fullCallback();
  }

  // ---- valid callbacks ------------------------------------------------------------------------

  /** {@code min..max} chars, each from {@code alphabet}. */
  public static String fromAlphabet(FuzzedDataProvider data, int min, int max, String alphabet) {
    int length = data.consumeInt(min, max);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(data.consumeInt(0, alphabet.length() - 1)));
    }
    return s.toString();
  }

  /** {@code min..max} chars, each in {@code from..to}. */
  public static String fromRange(FuzzedDataProvider data, int min, int max, char from, char to) {
    int length = data.consumeInt(min, max);
    StringBuilder s = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      s.append(data.consumeChar(from, to));
    }
    return s.toString();
  }

  /** Printable text without control characters or surrogates, at most {@code max} code points. */
  static String text(FuzzedDataProvider data, int max) {
    int length = data.consumeInt(0, max - 1);
    StringBuilder s = new StringBuilder(length + 2);
    for (int i = 0; i < length; i++) {
      s.append(switch (data.consumeInt(0, 2)) {
        case 0 -> data.consumeChar(' ', '~');
        case 1 -> data.consumeChar('\u00a0', '\ud7ff');
        default -> data.consumeChar('\ue000', '\ufffd');
      });
    }
    return s.append(data.pickValue(List.of("", "😀", "𝟘"))).toString();
  }

  static String visibleAscii(FuzzedDataProvider data, int max) {
    return fromRange(data, 1, max, '!', '~');
  }

  static String maskedCardNumber(FuzzedDataProvider data) {
    String first = fromRange(data, 0, 8, '0', '9');
    String mask = fromAlphabet(data, 1, 12, "*Xx#");
    String last = fromRange(data, 0, 4, '0', '9');
    List<String> separators = List.of("", " ", "-");
    return first + data.pickValue(separators) + mask + data.pickValue(separators) + last;
  }

  static String approvedAt(FuzzedDataProvider data) {
    long seconds = data.consumeLong(Instant.parse("0001-01-02T00:00:00Z").getEpochSecond(),
        Instant.parse("9999-12-30T00:00:00Z").getEpochSecond());
    int nanos = data.consumeInt(0, 999_999_999);
    int quarterHours = data.consumeInt(-18 * 4, 18 * 4);
    return OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds, nanos),
        ZoneOffset.ofTotalSeconds(quarterHours * 900)).toString();
  }

  /** A valid callback: the required fields always, each optional field in 4 of 5 cases. */
  static Map<String, Object> validCallback(FuzzedDataProvider data) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("transactionId", visibleAscii(data, 64));
    body.put("terminalId", fromAlphabet(data, 1, 64,
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"));
    body.put("resultCode", visibleAscii(data, 16));
    // Not consumeLong(0, Long.MAX_VALUE): Jazzer 0.24.0 returns negative values for that range
    // about half the time (and so for consumeInt(0, Integer.MAX_VALUE)).
    body.put("amount", data.consumeLong() & Long.MAX_VALUE);
    putMostly(data, body, "merchantId", () -> text(data, 64));
    putMostly(data, body, "orderId", () -> text(data, 64));
    putMostly(data, body, "resultMessage", () -> text(data, 256));
    putMostly(data, body, "currency", () -> fromRange(data, 3, 3, 'A', 'Z'));
    putMostly(data, body, "approvalNumber", () -> text(data, 64));
    putMostly(data, body, "cardNumberMasked", () -> maskedCardNumber(data));
    putMostly(data, body, "installmentMonths", () -> data.consumeInt(0, 99));
    putMostly(data, body, "approvedAt", () -> approvedAt(data));
    return body;
  }

  private static void putMostly(FuzzedDataProvider data, Map<String, Object> body, String name,
      Supplier<Object> value) {
    if (data.consumeInt(0, 4) != 0) {
      body.put(name, value.get());
    }
  }

  // ---- fuzzed values --------------------------------------------------------------------------

  /** Near-misses and oddities that the field rules must tell apart. */
  private static final List<String> TRICKY_STRINGS = List.of("", " ", "KRW", "krw", "KRWX",
      "0000", "CAT-0001", "CAT 0001", "CAT/0001", "카드-1", "15000", "-1", "1e3",
      "2026-11-29T12:00:00+09:00", "2026-11-29T12:00:00", "2026-11-29", "0000-12-31T23:59:59Z",
      "+10000-01-01T00:00:00Z", "9999-12-31T23:59:59-18:00", "2026-02-30T00:00:00Z",
      "536148******0012", "****", "1234", "4111111111111111", "4111 1111 1111 1111",
      "4111-1111-1111-****", "123456789012**34", "a\u0000b", "tab\there", "\u0085", "\ud800",
      "\udc00x", "😀", "\u202e", "null", "true", "{}", "[]", "\\", "\"");

  private static final List<String> RAW_NUMBERS = List.of("0", "-0", "1", "-1", "99", "100",
      "1.0", "1.5", "1e3", "1E+2", "-1e-3", "0.0", "9223372036854775807", "9223372036854775808",
      "-9223372036854775808", "2147483648", "123456789012345678901234567890", "1e308", "1e-308");

  /** Any JSON value: mostly a scalar, sometimes an array of up to 3 scalars or a small object. */
  static Object jsonValue(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 11)) {
      case 0 -> {
        List<Object> list = new ArrayList<>();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
          list.add(scalar(data));
        }
        yield list;
      }
      // Keys are well-formed text: Jackson writes a lone surrogate in a key as CESU-8, which is
      // not UTF-8 and so malformed JSON, not a field error (see the fuzz test's regression case).
      case 1 -> Map.of(data.pickValue(List.of("", "a", "amount", "\u0000", "😀")), 1);
      default -> scalar(data);
    };
  }

  private static Object scalar(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 9)) {
      case 0 -> NullNode.getInstance();
      case 1 -> data.consumeBoolean();
      case 2 -> data.consumeLong();
      case 3 -> data.consumeInt(-5, 120);
      case 4 -> new POJONode(new RawValue(data.pickValue(RAW_NUMBERS)));
      case 5 -> data.pickValue(TRICKY_STRINGS);
      case 6 -> fromRange(data, 0, 24, '\u0000', '\uffff'); // any char, lone surrogates too
      case 7 -> fromRange(data, 0, 70, '\u0000', '\u007f');
      case 8 -> fromRange(data, 60, 300, '!', '~');
      default -> maskedCardNumber(data);
    };
  }

  /**
   * One change to a valid callback: a field (or "extra") set to a fuzzed value, or removed ({@code
   * value} null). A class, not a record: see {@code IlkCallbackMapperFuzzTest.Outcome}.
   */
  static final class FieldEdit {
    private final String name;
    private final @Nullable Object value;

    FieldEdit(String name, @Nullable Object value) {
      this.name = name;
      this.value = value;
    }

    String name() {
      return name;
    }

    @Override
    public String toString() {
      return value == null ? "remove " + name : name + "=" + value;
    }

    void applyTo(Map<String, Object> body) {
      if (value == null) {
        body.remove(name);
      } else {
        body.put(name, value);
      }
    }
  }

  /** 1–4 edits of the fields {@code names} or of a field "extra"; one in 10 removes the field. */
  static List<FieldEdit> fieldEdits(FuzzedDataProvider data, List<String> names) {
    List<String> keys = new ArrayList<>(names);
    keys.add("extra");
    List<FieldEdit> edits = new ArrayList<>();
    for (int i = data.consumeInt(1, 4); i > 0; i--) {
      String name = data.pickValue(keys);
      edits.add(new FieldEdit(name, data.consumeInt(0, 9) == 0 ? null : jsonValue(data)));
    }
    return edits;
  }

  // ---- card numbers ---------------------------------------------------------------------------

  /** A Luhn-valid PAN ({@code digits}) as written with separators, masks or other scripts. */
  record SeparatedPan(String digits, String text) {}

  private static final List<String> SEPARATORS = List.of("", "", "", " ", "-", ".", "/", "_",
      "\t", ",", ":", "  ", "\u00a0", "\u2009", "\u202f", "\u3000", "\u2010", "\u2013", "\u2014",
      "\u2212", "\ufe63", "\uff0d", "· ");

  static SeparatedPan separatedPan(FuzzedDataProvider data) {
    String pan = withLuhn(fromRange(data, 12, 18, '0', '9'));
    StringBuilder text = new StringBuilder(data.pickValue(List.of("", "*", "XX ", "####-")));
    boolean fullwidth = data.consumeInt(0, 3) == 0;
    for (int i = 0; i < pan.length(); i++) {
      char d = pan.charAt(i);
      text.append(fullwidth ? (char) ('\uff10' + (d - '0')) : d);
      if (i < pan.length() - 1) {
        text.append(data.pickValue(SEPARATORS));
      }
    }
    text.append(data.pickValue(List.of("", "*", " ****")));
    return new SeparatedPan(pan, text.toString());
  }

  /** {@code payload} followed by the Luhn check digit that makes it valid. */
  static String withLuhn(String payload) {
    for (char check = '0'; check <= '9'; check++) {
      String pan = payload + check;
      if (MaskedCardNumbers.luhnValid(pan, 0, pan.length())) {
        return pan;
      }
    }
    throw new AssertionError("no Luhn check digit for " + payload);
  }

  // ---- edited JSON text -----------------------------------------------------------------------

  private static final List<String> TOKENS = List.of("{", "}", "[", "]", "\"", ",", ":", "\\",
      "\\u0000", "\\ud800", "null", "true", "1e999", "-", "0", "01", "NaN", "Infinity", "//", "/*",
      "\n", "\u0000", "\"amount\":", "\"terminalId\":", "\"amount\":1,\"amount\":2",
      "[".repeat(20), "{\"a\":".repeat(20), "\ufeff", "\u00e9", "😀");

  private static final byte[] FULL_JSON;
  private static final byte[] REQUIRED_JSON;

  static {
    Map<String, Object> required = new LinkedHashMap<>(validBody());
    required.keySet().retainAll(List.of("transactionId", "terminalId", "resultCode", "amount"));
    try {
      ObjectMapper json = new ObjectMapper();
      FULL_JSON = json.writeValueAsBytes(validBody());
      REQUIRED_JSON = json.writeValueAsBytes(required);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * The JSON text of a valid callback (all fields, or the required ones) after 1–4 edits: delete
   * up to 8 bytes, insert a token or a byte, replace a byte, truncate.
   */
  static byte[] editedJson(FuzzedDataProvider data) {
    byte[] bytes = data.consumeBoolean() ? FULL_JSON : REQUIRED_JSON;
    for (int i = data.consumeInt(1, 4); i > 0; i--) {
      bytes = edit(data, bytes);
    }
    return bytes;
  }

  private static byte[] edit(FuzzedDataProvider data, byte[] in) {
    int kind = data.consumeInt(0, 4);
    int pos = data.consumeInt(0, in.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
    switch (kind) {
      case 0 -> { // delete
        out.write(in, 0, pos);
        int end = Math.min(in.length, pos + data.consumeInt(1, 8));
        out.write(in, end, in.length - end);
      }
      case 1 -> { // insert a token
        out.write(in, 0, pos);
        out.writeBytes(data.pickValue(TOKENS).getBytes(UTF_8));
        out.write(in, pos, in.length - pos);
      }
      case 2 -> { // insert a byte
        out.write(in, 0, pos);
        out.write(data.consumeByte());
        out.write(in, pos, in.length - pos);
      }
      case 3 -> { // replace a byte
        byte[] edited = in.clone();
        byte b = data.consumeByte();
        if (pos < edited.length) {
          edited[pos] = b;
        }
        return edited;
      }
      default -> out.write(in, 0, pos); // truncate
    }
    return out.toByteArray();
  }
}
