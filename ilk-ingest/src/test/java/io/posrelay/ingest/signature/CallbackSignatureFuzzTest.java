package io.posrelay.ingest.signature;

import io.posrelay.ilk.v1.IlkSignatures;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.posrelay.ingest.callback.CallbackInputs;
import io.posrelay.ingest.callback.InvalidCallbackException;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the signature check: a correctly signed callback always
 * passes, with either secret; any change to body, timestamp or signature fails; any header values
 * at all end in an {@code unauthenticated} rejection naming a signature header, never another
 * exception. The fuzzer's input first picks a {@link Shape}, then builds the callback. Run by the
 * surefire execution {@code fuzz} in fuzzing mode; a failing input is written to {@code
 * src/test/resources/io/posrelay/ingest/signature/CallbackSignatureFuzzTestInputs/
 * signatureCheck_passesExactlyTheCorrectlySignedCallbacks/} and replayed from there on every later
 * run.
 */
class CallbackSignatureFuzzTest {

  private static final Instant NOW = Instant.ofEpochSecond(1_795_924_800L);
  private static final long SKEW_SECONDS = 300;

  /** What the fuzzer's input is read as, and what must hold for it. */
  enum Shape {
    /** A callback signed with the current or the previous secret: passes. */
    CORRECTLY_SIGNED,
    /** A signed callback with its body, timestamp or signature changed: rejected. */
    CHANGED,
    /** Any headers (absent, repeated, any spelling, any value) and body: rejected. */
    ANY_HEADERS
  }

  /**
   * The one fuzz target (Jazzer fuzzes one per JVM). 30,000 inputs in the {@code fuzz}
   * execution; an input running over 10 s is a finding (a hang).
   */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  @DictionaryEntries({"v1=", "v2=", "X-ILK-Signature", "X-ILK-Timestamp", "x-ilk-signature",
      "x-ilk-timestamp", "1795924800", "1795924500", "1795925100", "0123456789abcdef",
      "0123456789ABCDEF", "{\"transactionId\":\"T1\"}"})
  @FuzzTest(maxExecutions = 30_000)
  void signatureCheck_passesExactlyTheCorrectlySignedCallbacks(FuzzedDataProvider data) {
    switch (data.pickValue(Shape.values())) {
      case CORRECTLY_SIGNED -> correctlySignedCallback_passes_withEitherSecret(signed(data));
      case CHANGED -> anyChange_toBodyTimestampOrSignature_fails(signed(data),
          data.consumeInt(0, 5), data.consumeInt(0, 1 << 20), data.consumeInt(1, 255));
      case ANY_HEADERS -> anyHeaders_areRejectedNamingAHeader_unlessCorrectlySigned(
          headerEntries(data), data.consumeBytes(600));
    }
  }

  private static void correctlySignedCallback_passes_withEitherSecret(Signed callback) {
    assertThatCode(() -> callback.verifier().verify(
        callback.headers(callback.timestamp(), callback.signature()),
        Unpooled.wrappedBuffer(callback.body()))).doesNotThrowAnyException();
  }

  private static void anyChange_toBodyTimestampOrSignature_fails(Signed callback, int what,
      int at, int delta) {
    byte[] body = callback.body().clone();
    String timestamp = callback.timestamp();
    String signature = callback.signature();
    switch (what) {
      case 0 -> { // flip bits of one body byte
        if (body.length == 0) {
          body = new byte[] {(byte) delta};
        } else {
          body[at % body.length] ^= (byte) delta;
        }
      }
      case 1 -> body = Arrays.copyOf(body, body.length + 1); // append a zero byte
      case 2 -> body = body.length == 0 ? new byte[] {'x'}
          : Arrays.copyOf(body, at % body.length); // truncate
      case 3 -> timestamp = Long.toString(Long.parseLong(timestamp) + 1 + at % 60); // in skew
      case 4 -> { // change one hex digit of the signature
        int i = 3 + at % 64;
        char c = signature.charAt(i);
        char other = "0123456789abcdef".charAt((Character.digit(c, 16) + delta % 15 + 1) % 16);
        signature = signature.substring(0, i) + other + signature.substring(i + 1);
      }
      default -> timestamp = "0" + timestamp; // same time, different signed string
    }

    InvalidCallbackException e = verify(callback.verifier(),
        callback.headers(timestamp, signature), body);

    assertThat(e).as("change %d accepted", what).isNotNull();
    assertThat(e.error()).isEqualTo("unauthenticated");
    assertThat(e.field()).isIn(IlkSignatures.SIGNATURE_HEADER, IlkSignatures.TIMESTAMP_HEADER);
  }

  private static void anyHeaders_areRejectedNamingAHeader_unlessCorrectlySigned(
      List<HeaderEntry> entries, byte[] body) {
    HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().withValidation(false)
        .newHeaders();
    for (HeaderEntry entry : entries) {
      headers.add(entry.name(), entry.value());
    }
    CallbackSignatureVerifier verifier = new CallbackSignatureVerifier(
        RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET,
            CallbackSignatureVerifierTest.CURRENT), Duration.ofSeconds(SKEW_SECONDS),
        Clock.fixed(NOW, ZoneOffset.UTC));

    InvalidCallbackException e = verify(verifier, headers, body);

    if (e == null) {
      // Only the signature of the current secret over this timestamp and body passes.
      List<String> timestamps = headers.getAll(IlkSignatures.TIMESTAMP_HEADER);
      List<String> signatures = headers.getAll(IlkSignatures.SIGNATURE_HEADER);
      assertThat(timestamps).as("accepted %s", entries).hasSize(1);
      assertThat(signatures).as("accepted %s", entries).hasSize(1);
      String timestamp = timestamps.get(0);
      assertThat(timestamp).as("accepted %s", entries).matches("[0-9]{1,12}");
      assertThat(Math.abs(Long.parseLong(timestamp) - NOW.getEpochSecond()))
          .isLessThanOrEqualTo(SKEW_SECONDS);
      assertThat(signatures.get(0).strip()).as("accepted %s", entries).isEqualToIgnoringCase(
          IlkSignatures.sign(CallbackSignatureVerifierTest.CURRENT.getBytes(UTF_8), timestamp, body));
      return;
    }
    assertThat(e.error()).isEqualTo("unauthenticated");
    assertThat(e.field()).isIn(IlkSignatures.SIGNATURE_HEADER, IlkSignatures.TIMESTAMP_HEADER);
    assertThat(e.getMessage()).startsWith(e.field() + " ");
    for (String signature : headers.getAll(IlkSignatures.SIGNATURE_HEADER)) {
      if (signature.length() > 8) {
        assertThat(e.getMessage()).doesNotContain(signature);
      }
    }
  }

  // ---- inputs ---------------------------------------------------------------------------------

  /** Two secrets, as during a rotation, and the body and time of one callback. */
  record Signed(String current, String previous, boolean withPrevious, byte[] body,
      long skewSeconds) {
    String timestamp() {
      return Long.toString(NOW.getEpochSecond() + skewSeconds);
    }

    HttpHeaders headers(String timestamp, String signature) {
      return DefaultHttpHeadersFactory.headersFactory().withValidation(false).newHeaders()
          .set(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .set(IlkSignatures.SIGNATURE_HEADER, signature);
    }

    String signature() {
      return IlkSignatures.sign((withPrevious ? previous : current).getBytes(UTF_8), timestamp(),
          body);
    }

    CallbackSignatureVerifier verifier() {
      return new CallbackSignatureVerifier(
          RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET, current, previous),
          Duration.ofSeconds(SKEW_SECONDS), Clock.fixed(NOW, ZoneOffset.UTC));
    }
  }

  private static Signed signed(FuzzedDataProvider data) {
    return new Signed(secret(data), secret(data), data.consumeBoolean(),
        data.consumeBytes(600), data.consumeLong(-SKEW_SECONDS, SKEW_SECONDS));
  }

  /**
   * A secret as RotatingSecrets keeps it: 32–64 characters, no surrounding whitespace (its test
   * holds the case this fuzzer found: Unicode whitespace stripped before a secret is counted).
   */
  private static String secret(FuzzedDataProvider data) {
    int length = data.consumeInt(30, 62);
    StringBuilder s = new StringBuilder("<");
    for (int i = 0; i < length; i++) {
      s.append(data.consumeBoolean() ? data.consumeChar('!', '~')
          : data.consumeChar('\u00a0', '\ud7ff'));
    }
    return s.append('>').toString();
  }

  /** One header line as received. */
  record HeaderEntry(String name, String value) {}

  /**
   * Each signature header absent (1 in 10), repeated (1 in 10) or sent once, its name in any
   * case, each value {@link #headerValue}.
   */
  private static List<HeaderEntry> headerEntries(FuzzedDataProvider data) {
    List<HeaderEntry> entries = new ArrayList<>();
    for (String header : List.of(IlkSignatures.TIMESTAMP_HEADER, IlkSignatures.SIGNATURE_HEADER)) {
      int times = switch (data.consumeInt(0, 9)) {
        case 0 -> 0;
        case 1 -> 2;
        default -> 1;
      };
      for (int i = 0; i < times; i++) {
        String name = data.pickValue(List.of(header, header.toLowerCase(Locale.ROOT),
            header.toUpperCase(Locale.ROOT)));
        entries.add(new HeaderEntry(name, headerValue(data)));
      }
    }
    return entries;
  }

  private static final List<String> NEAR_MISSES = List.of("", "v1=", "v1=" + "0".repeat(64),
      "v1=" + "f".repeat(63), "v1=" + "F".repeat(64), "v2=" + "0".repeat(64),
      Long.toString(NOW.getEpochSecond()), Long.toString(NOW.getEpochSecond() - 301),
      "999999999999", "9999999999999999999999", "-1", "+1795924800", "1795924800 ",
      "１７９５９２４８００", "\u0000", "v1=" + "٠".repeat(64));

  /** A near-miss, a v1= with 60–68 hex-ish digits, any text, or up to 14 digits. */
  private static String headerValue(FuzzedDataProvider data) {
    return switch (data.consumeInt(0, 3)) {
      case 0 -> data.pickValue(NEAR_MISSES);
      case 1 -> "v1=" + CallbackInputs.fromAlphabet(data, 60, 68, "0123456789abcdefABCDEFg");
      case 2 -> CallbackInputs.fromRange(data, 0, 80, '\u0000', '\uffff');
      default -> CallbackInputs.fromRange(data, 0, 14, '0', '9');
    };
  }

  private static @Nullable InvalidCallbackException verify(CallbackSignatureVerifier verifier,
      HttpHeaders headers, byte[] body) {
    return catchThrowableOfType(InvalidCallbackException.class,
        () -> verifier.verify(headers, Unpooled.wrappedBuffer(body)));
  }
}
