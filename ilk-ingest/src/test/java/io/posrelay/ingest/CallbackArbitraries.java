package io.posrelay.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;

/** jqwik generators of ILK callback bodies: valid ones, fuzzed ones, PANs, edited JSON text. */
final class CallbackArbitraries {

  private CallbackArbitraries() {}

  /** A valid callback with every field (the docs' example). */
  static Map<String, Object> validBody() {
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

  // ---- valid callbacks ------------------------------------------------------------------------

  /** Printable text without control characters or surrogates, at most {@code max} code points. */
  static Arbitrary<String> text(int max) {
    Arbitrary<String> bmp = Arbitraries.strings().withCharRange(' ', '~')
        .withCharRange('\u00a0', '\ud7ff').withCharRange('\ue000', '\ufffd').ofMaxLength(max - 1);
    return Combinators.combine(bmp, Arbitraries.of("", "😀", "𝟘"))
        .as((s, astral) -> s + astral);
  }

  static Arbitrary<String> visibleAscii(int max) {
    return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(max);
  }

  static Arbitrary<String> maskedCardNumbers() {
    Arbitrary<String> first = Arbitraries.strings().numeric().ofMaxLength(8);
    Arbitrary<String> mask = Arbitraries.strings().withChars('*', 'X', 'x', '#')
        .ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> last = Arbitraries.strings().numeric().ofMaxLength(4);
    Arbitrary<String> separator = Arbitraries.of("", " ", "-");
    return Combinators.combine(first, separator, mask, separator, last)
        .as((f, s1, m, s2, l) -> f + s1 + m + s2 + l);
  }

  static Arbitrary<String> approvedAts() {
    long min = Instant.parse("0001-01-02T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-30T00:00:00Z").getEpochSecond();
    return Combinators.combine(Arbitraries.longs().between(min, max),
            Arbitraries.integers().between(0, 999_999_999),
            Arbitraries.integers().between(-18 * 4, 18 * 4))
        .as((seconds, nanos, quarterHours) -> OffsetDateTime.ofInstant(
            Instant.ofEpochSecond(seconds, nanos), ZoneOffset.ofTotalSeconds(quarterHours * 900))
            .toString());
  }

  /** Valid callbacks: required fields always, each optional field present or not. */
  static Arbitrary<Map<String, Object>> validCallbacks() {
    List<Arbitrary<Object[]>> fields = List.of(
        field("transactionId", visibleAscii(64), false),
        field("terminalId", Arbitraries.strings().withCharRange('a', 'z')
            .withCharRange('A', 'Z').withCharRange('0', '9').withChars('_', '-')
            .ofMinLength(1).ofMaxLength(64), false),
        field("resultCode", visibleAscii(16), false),
        field("amount", Arbitraries.longs().between(0, Long.MAX_VALUE), false),
        field("merchantId", text(64), true),
        field("orderId", text(64), true),
        field("resultMessage", text(256), true),
        field("currency", Arbitraries.strings().withCharRange('A', 'Z').ofLength(3), true),
        field("approvalNumber", text(64), true),
        field("cardNumberMasked", maskedCardNumbers(), true),
        field("installmentMonths", Arbitraries.integers().between(0, 99), true),
        field("approvedAt", approvedAts(), true));
    return Combinators.combine(fields).as(entries -> {
      Map<String, Object> body = new LinkedHashMap<>();
      for (Object[] entry : entries) {
        if (entry.length == 2) {
          body.put((String) entry[0], entry[1]);
        }
      }
      return body;
    });
  }

  /** {@code {name, value}}, or {@code {name}} for an absent optional field. */
  private static Arbitrary<Object[]> field(String name, Arbitrary<?> value, boolean optional) {
    Arbitrary<Object[]> present = value.map(v -> new Object[] {name, v});
    return optional
        ? Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, present), net.jqwik.api.Tuple.of(1,
                Arbitraries.just(new Object[] {name})))
        : present;
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

  static Arbitrary<Object> jsonValue() {
    Arbitrary<Object> scalar = Arbitraries.oneOf(
        Arbitraries.just(NullNode.getInstance()),
        Arbitraries.of(true, false),
        Arbitraries.longs(),
        Arbitraries.integers().between(-5, 120),
        Arbitraries.of(RAW_NUMBERS).map(raw -> new POJONode(new RawValue(raw))),
        Arbitraries.of(TRICKY_STRINGS),
        Arbitraries.strings().all().ofMaxLength(24),
        Arbitraries.strings().ascii().ofMaxLength(70),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(60).ofMaxLength(300),
        maskedCardNumbers());
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(10, scalar),
        net.jqwik.api.Tuple.of(1, scalar.list().ofMaxSize(3).map(l -> (Object) l)),
        // Keys are well-formed text: Jackson writes a lone surrogate in a key as CESU-8, which is
        // not UTF-8 and so malformed JSON, not a field error (see the fuzz test's @Example).
        net.jqwik.api.Tuple.of(1, Arbitraries.of("", "a", "amount", "\u0000", "😀")
            .map(k -> (Object) Map.of(k, 1))));
  }

  /** One change to a valid callback: a field (or "extra") set to a fuzzed value, or removed. */
  record FieldEdit(String name, @Nullable Object value) {
    void applyTo(Map<String, Object> body) {
      if (value == null) {
        body.remove(name);
      } else {
        body.put(name, value);
      }
    }
  }

  static Arbitrary<FieldEdit> fieldEdits(List<String> names) {
    List<String> keys = new ArrayList<>(names);
    keys.add("extra");
    return Combinators.combine(Arbitraries.of(keys), jsonValue().injectNull(0.1))
        .as(FieldEdit::new);
  }

  // ---- card numbers ---------------------------------------------------------------------------

  /** A Luhn-valid PAN ({@code digits}) as written with separators, masks or other scripts. */
  record SeparatedPan(String digits, String text) {}

  private static final List<String> SEPARATORS = List.of("", "", "", " ", "-", ".", "/", "_",
      "\t", ",", ":", "  ", "\u00a0", "\u2009", "\u202f", "\u3000", "\u2010", "\u2013", "\u2014",
      "\u2212", "\ufe63", "\uff0d", "· ");

  static Arbitrary<SeparatedPan> separatedPans() {
    Arbitrary<String> digits = Arbitraries.integers().between(13, 19).flatMap(length ->
        Arbitraries.strings().numeric().ofLength(length - 1).map(CallbackArbitraries::withLuhn));
    return Combinators.combine(digits,
            Arbitraries.of(SEPARATORS).list().ofSize(18),
            Arbitraries.of("", "*", "XX ", "####-"),
            Arbitraries.of("", "*", " ****"),
            Arbitraries.of(false, false, false, true))
        .as((pan, separators, before, after, fullwidth) -> {
          StringBuilder text = new StringBuilder(before);
          for (int i = 0; i < pan.length(); i++) {
            char d = pan.charAt(i);
            text.append(fullwidth ? (char) ('\uff10' + (d - '0')) : d);
            if (i < pan.length() - 1) {
              text.append(separators.get(i));
            }
          }
          return new SeparatedPan(pan, text.append(after).toString());
        });
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

  /** One edit of a byte array: delete, insert a token or a byte, replace a byte, truncate. */
  private record Edit(int kind, double at, int length, String token, byte b) {
    byte[] apply(byte[] in) {
      int pos = (int) (at * in.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 64);
      switch (kind) {
        case 0 -> { // delete
          out.write(in, 0, pos);
          int end = Math.min(in.length, pos + length);
          out.write(in, end, in.length - end);
        }
        case 1 -> { // insert a token
          out.write(in, 0, pos);
          out.writeBytes(token.getBytes(UTF_8));
          out.write(in, pos, in.length - pos);
        }
        case 2 -> { // insert a byte
          out.write(in, 0, pos);
          out.write(b);
          out.write(in, pos, in.length - pos);
        }
        case 3 -> { // replace a byte
          out.writeBytes(in);
          byte[] edited = out.toByteArray();
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

  static Arbitrary<byte[]> editedJson() {
    Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 4),
            Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(1, 8),
            Arbitraries.of(TOKENS), Arbitraries.bytes())
        .as(Edit::new);
    Map<String, Object> minimal = new LinkedHashMap<>(validBody());
    minimal.keySet().retainAll(List.of("transactionId", "terminalId", "resultCode", "amount"));
    byte[] full;
    byte[] required;
    try {
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      full = json.writeValueAsBytes(validBody());
      required = json.writeValueAsBytes(minimal);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
    return Combinators.combine(Arbitraries.of(full, required),
            edit.list().ofMinSize(1).ofMaxSize(4))
        .as((body, edits) -> {
          byte[] bytes = body;
          for (Edit e : edits) {
            bytes = e.apply(bytes);
          }
          return bytes;
        });
  }
}
