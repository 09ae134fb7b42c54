package io.posrelay.ingest.signature;

import io.posrelay.ilk.v1.IlkSignatures;
import static io.posrelay.ilk.v1.IlkSignatures.SIGNATURE_HEADER;
import static io.posrelay.ilk.v1.IlkSignatures.TIMESTAMP_HEADER;
import static io.posrelay.ilk.v1.IlkSignatures.V1_HEX_DIGITS;
import static io.posrelay.ilk.v1.IlkSignatures.V1_PREFIX;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.posrelay.ingest.callback.InvalidCallbackException;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks the signature of an ILK callback ({@link IlkSignatures}) against one or two secrets, on
 * the raw body bytes, before anything parses the body.
 *
 * <p>Checks, in order, each failure an {@link InvalidCallbackException#unauthenticated} naming the
 * header: {@value IlkSignatures#SIGNATURE_HEADER} present once, {@code v1=} and 64 hex digits;
 * {@value IlkSignatures#TIMESTAMP_HEADER} present once, 1–12 decimal digits; the timestamp within
 * ±{@code maxSkew} of this server's clock (else a possible replay); the HMAC equal, compared in
 * constant time ({@link MessageDigest#isEqual}), to the one computed with any accepted secret.
 * Thread-safe.
 */
public final class CallbackSignatureVerifier {

  private static final int MAX_TIMESTAMP_DIGITS = 12;

  /** A signer per accepted secret, current first: each keys its HMAC once, not per callback. */
  private final List<IlkSignatures.Signer> signers;
  private final long maxSkewMillis;
  private final Clock clock;

  /**
   * @param secrets the accepted secrets ({@code ilk-secret-file} or {@code ilk-secrets}, loaded
   *     with {@link RotatingSecrets.Rule#HMAC_SECRET}): the current one, and the previous one
   *     during a rotation; each one's UTF-8 bytes are an HMAC-SHA256 key
   * @param maxSkew how far {@value IlkSignatures#TIMESTAMP_HEADER} may be from {@code clock},
   *     either way ({@code signature-max-skew.ms}); checked to the millisecond
   * @param clock the server's clock; {@code Clock.systemUTC()} but in tests
   */
  public CallbackSignatureVerifier(RotatingSecrets secrets, Duration maxSkew, Clock clock) {
    this.signers = secrets.all().stream().map(IlkSignatures.Signer::new).toList();
    this.maxSkewMillis = maxSkew.toMillis();
    this.clock = clock;
  }

  /**
   * Verifies the callback.
   *
   * @param headers the request headers
   * @param body the raw body; read without moving its indexes, not released
   * @throws InvalidCallbackException ({@code unauthenticated}) naming the header at fault
   */
  public void verify(HttpHeaders headers, ByteBuf body) throws InvalidCallbackException {
    byte[] given = signature(single(headers, SIGNATURE_HEADER));
    String timestamp = single(headers, TIMESTAMP_HEADER);
    long seconds = timestampSeconds(timestamp);
    long skewMillis = Math.abs(clock.millis() - seconds * 1000);
    if (skewMillis > maxSkewMillis) {
      throw InvalidCallbackException.unauthenticated(TIMESTAMP_HEADER, "is more than "
          + maxSkewMillis / 1000 + " s away from the server's clock (a replay, or a clock to fix)");
    }
    boolean matches = false;
    for (IlkSignatures.Signer signer : signers) { // no early exit: the time hides which matched
      matches |= MessageDigest.isEqual(signer.hmac(timestamp, body.nioBuffers()), given);
    }
    if (!matches) {
      throw InvalidCallbackException.unauthenticated(SIGNATURE_HEADER,
          "does not match the body and timestamp (wrong secret, or the body was changed)");
    }
  }

  private static String single(HttpHeaders headers, String name) throws InvalidCallbackException {
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      throw InvalidCallbackException.unauthenticated(name, "is missing: callbacks must be signed");
    }
    if (values.size() > 1) {
      throw InvalidCallbackException.unauthenticated(name, "must be sent once");
    }
    return values.get(0);
  }

  private static byte[] signature(String value) throws InvalidCallbackException {
    String hex = value.strip();
    if (!hex.startsWith(V1_PREFIX) || hex.length() != V1_PREFIX.length() + V1_HEX_DIGITS
        || !isHex(hex, V1_PREFIX.length())) {
      throw InvalidCallbackException.unauthenticated(SIGNATURE_HEADER,
          "must be v1= followed by " + V1_HEX_DIGITS + " hex digits (HMAC-SHA256)");
    }
    return HexFormat.of().parseHex(hex, V1_PREFIX.length(), hex.length());
  }

  private static boolean isHex(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  private static long timestampSeconds(String value) throws InvalidCallbackException {
    if (value.isEmpty() || value.length() > MAX_TIMESTAMP_DIGITS) {
      throw badTimestamp();
    }
    long seconds = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw badTimestamp();
      }
      seconds = seconds * 10 + (c - '0');
    }
    return seconds;
  }

  private static InvalidCallbackException badTimestamp() {
    return InvalidCallbackException.unauthenticated(TIMESTAMP_HEADER,
        "must be unix epoch seconds, 1-" + MAX_TIMESTAMP_DIGITS + " decimal digits");
  }
}
