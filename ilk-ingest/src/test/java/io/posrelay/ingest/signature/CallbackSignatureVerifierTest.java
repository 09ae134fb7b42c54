package io.posrelay.ingest.signature;

import io.posrelay.ilk.v1.IlkSignatures;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.posrelay.ingest.http.ResultsHandlerTest;
import io.posrelay.ingest.callback.InvalidCallbackException;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

public class CallbackSignatureVerifierTest {

  /** ILK's current signing secret in every test of the module. */
  public static final String CURRENT = "current-secret-0123456789abcdef-0123";
  /** The previous one, still accepted during a rotation. */
  public static final String PREVIOUS = "previous-secret-0123456789abcdef-012";

  static final Instant NOW = Instant.ofEpochSecond(1_795_924_800L);
  static final String BODY = ResultsHandlerTest.VALID;

  private final CallbackSignatureVerifier verifier = new CallbackSignatureVerifier(
      RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET, CURRENT, PREVIOUS),
      Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));

  public static HttpHeaders signed(String secret, long epochSeconds, String body) {
    String timestamp = Long.toString(epochSeconds);
    return new DefaultHttpHeaders()
        .set(IlkSignatures.TIMESTAMP_HEADER, timestamp)
        .set(IlkSignatures.SIGNATURE_HEADER,
            IlkSignatures.sign(secret.getBytes(UTF_8), timestamp, body.getBytes(UTF_8)));
  }

  private static ByteBuf body(String body) {
    return Unpooled.copiedBuffer(body, UTF_8);
  }

  private InvalidCallbackException rejection(HttpHeaders headers, String body) {
    return catchThrowableOfType(InvalidCallbackException.class,
        () -> verifier.verify(headers, body(body)));
  }

  @Test
  void signedWithTheCurrentSecret_isAccepted_andTheBodyIsNotConsumed() throws Exception {
    ByteBuf body = body(BODY);

    verifier.verify(signed(CURRENT, NOW.getEpochSecond(), BODY), body);

    assertThat(body.readableBytes()).isEqualTo(BODY.getBytes(UTF_8).length);
  }

  @Test
  void signedWithThePreviousSecret_isAccepted_duringARotation() throws Exception {
    verifier.verify(signed(PREVIOUS, NOW.getEpochSecond(), BODY), body(BODY));
  }

  @Test
  void signedWithAnotherSecret_is401_namingTheSignatureHeader() {
    InvalidCallbackException e =
        rejection(signed(CURRENT + "-other", NOW.getEpochSecond(), BODY), BODY);

    assertThat(e.error()).isEqualTo("unauthenticated");
    assertThat(e.field()).isEqualTo("X-ILK-Signature");
    assertThat(e.getMessage()).contains("does not match");
  }

  @Test
  void changedBody_isRejected() {
    InvalidCallbackException e = rejection(signed(CURRENT, NOW.getEpochSecond(), BODY),
        BODY.replace("1000", "9000"));

    assertThat(e.field()).isEqualTo("X-ILK-Signature");
  }

  @Test
  void changedTimestamp_isRejected() {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY)
        .set(IlkSignatures.TIMESTAMP_HEADER, Long.toString(NOW.getEpochSecond() - 1));

    assertThat(rejection(headers, BODY).field()).isEqualTo("X-ILK-Signature");
  }

  @Test
  void uppercaseHex_isAccepted() throws Exception {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY);
    String signature = headers.get(IlkSignatures.SIGNATURE_HEADER);
    headers.set(IlkSignatures.SIGNATURE_HEADER, "v1=" + signature.substring(3).toUpperCase());

    verifier.verify(headers, body(BODY));
  }

  @Test
  void timestampsAtTheSkewBound_areAccepted() throws Exception {
    verifier.verify(signed(CURRENT, NOW.getEpochSecond() - 300, BODY), body(BODY));
    verifier.verify(signed(CURRENT, NOW.getEpochSecond() + 300, BODY), body(BODY));
  }

  @ParameterizedTest
  @ValueSource(longs = {-301, 301, -86_400})
  void timestampOutsideTheSkew_isAReplay_401NamingTheTimestampHeader(long offsetSeconds) {
    InvalidCallbackException e =
        rejection(signed(CURRENT, NOW.getEpochSecond() + offsetSeconds, BODY), BODY);

    assertThat(e.error()).isEqualTo("unauthenticated");
    assertThat(e.field()).isEqualTo("X-ILK-Timestamp");
    assertThat(e.getMessage()).contains("more than 300 s away");
  }

  @Test
  void missingSignature_is401() {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY);
    headers.remove(IlkSignatures.SIGNATURE_HEADER);

    InvalidCallbackException e = rejection(headers, BODY);
    assertThat(e.field()).isEqualTo("X-ILK-Signature");
    assertThat(e.getMessage()).isEqualTo("X-ILK-Signature is missing: callbacks must be signed");
  }

  @Test
  void missingTimestamp_is401() {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY);
    headers.remove(IlkSignatures.TIMESTAMP_HEADER);

    assertThat(rejection(headers, BODY).field()).isEqualTo("X-ILK-Timestamp");
  }

  @Test
  void repeatedHeader_isRejected() {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY);
    headers.add(IlkSignatures.SIGNATURE_HEADER, headers.get(IlkSignatures.SIGNATURE_HEADER));

    assertThat(rejection(headers, BODY).getMessage()).isEqualTo("X-ILK-Signature must be sent once");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "v1=", "v2=00", "sha256=abc", "v1=xyz",
      "v1=b299314c3f42baaf4045373f9bdbb7e83a2f80e7f04b2c5b319edb0ca0372e5",
      "v1=b299314c3f42baaf4045373f9bdbb7e83a2f80e7f04b2c5b319edb0ca0372e511",
      "V1=b299314c3f42baaf4045373f9bdbb7e83a2f80e7f04b2c5b319edb0ca0372e51",
      "v1=b299314c3f42baaf4045373f9bdbb7e83a2f80e7f04b2c5b319edb0ca0372e5g"})
  void malformedSignature_is401_withoutEchoingIt(String value) {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY)
        .set(IlkSignatures.SIGNATURE_HEADER, value);

    InvalidCallbackException e = rejection(headers, BODY);
    assertThat(e.field()).isEqualTo("X-ILK-Signature");
    assertThat(e.getMessage())
        .isEqualTo("X-ILK-Signature must be v1= followed by 64 hex digits (HMAC-SHA256)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1795924800", "1795924800.0", "1.795924800e9", "0x6B0A0C40",
      "1234567890123", "１７９５９２４８００", "now"})
  void malformedTimestamp_is401(String value) {
    HttpHeaders headers = signed(CURRENT, NOW.getEpochSecond(), BODY)
        .set(IlkSignatures.TIMESTAMP_HEADER, value);

    InvalidCallbackException e = rejection(headers, BODY);
    assertThat(e.field()).isEqualTo("X-ILK-Timestamp");
    assertThat(e.getMessage()).contains("unix epoch seconds");
  }

  @Test
  void timestampWithLeadingZeros_isSignedAsSent() throws Exception {
    String timestamp = "0" + NOW.getEpochSecond();
    HttpHeaders headers = new DefaultHttpHeaders()
        .set(IlkSignatures.TIMESTAMP_HEADER, timestamp)
        .set(IlkSignatures.SIGNATURE_HEADER,
            IlkSignatures.sign(CURRENT.getBytes(UTF_8), timestamp, BODY.getBytes(UTF_8)));

    verifier.verify(headers, body(BODY));
  }

  @Test
  void compositeBody_isVerifiedOverAllItsBytes() throws Exception {
    byte[] bytes = BODY.getBytes(UTF_8);
    ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(bytes, 0, 10),
        Unpooled.wrappedBuffer(bytes, 10, bytes.length - 10));

    verifier.verify(signed(CURRENT, NOW.getEpochSecond(), BODY), composite);
  }
}
