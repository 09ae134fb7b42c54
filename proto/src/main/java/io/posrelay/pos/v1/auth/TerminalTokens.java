package io.posrelay.pos.v1.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Terminal tokens: the proof of identity a terminal sends in {@code Hello.auth_token}.
 *
 * <pre>
 * token = base64url_nopad( HMAC-SHA256( key = secret (its UTF-8 bytes),
 *                                       data = "posrelay-terminal-token/v1:" + terminal_id ) )
 * </pre>
 *
 * <p>Always {@value #TOKEN_CHARS} characters of {@code [A-Za-z0-9_-]}. A token proves one
 * terminal id under one deployment secret: a terminal that knows its own token cannot derive
 * another terminal's. An instance holds the current secret and, during a rotation, the previous
 * one; {@link #verify} accepts a token made with either, and {@link #issue(String)} makes tokens
 * with the current one.
 *
 * <p>Immutable and thread-safe. Never logs, prints or returns a secret ({@link #toString()} says
 * only how many secrets there are).
 */
public final class TerminalTokens {
  /** What the terminal id is prefixed with before it is MACed; the {@code v1} is the scheme. */
  public static final String CONTEXT = "posrelay-terminal-token/v1:";
  /** Length of every token in characters: 32 bytes of HMAC-SHA256 in unpadded base64url. */
  public static final int TOKEN_CHARS = 43;
  /** The fewest characters a secret may have. */
  public static final int MIN_SECRET_CHARS = 32;

  private static final String ALGORITHM = "HmacSHA256";

  private final List<byte[]> secrets;

  /**
   * @param secrets the current secret first, optionally the previous one second; each the UTF-8
   *     bytes of a secret of at least {@value #MIN_SECRET_CHARS} characters (copied)
   * @throws IllegalArgumentException if there are not 1 or 2 secrets, or one is shorter than
   *     {@value #MIN_SECRET_CHARS} bytes; the message never contains a secret
   */
  public TerminalTokens(List<byte[]> secrets) {
    if (secrets.isEmpty() || secrets.size() > 2) {
      throw new IllegalArgumentException(
          "terminal secrets: " + secrets.size() + " (expected: 1 or 2, current first)");
    }
    List<byte[]> copies = new ArrayList<>(secrets.size());
    for (int i = 0; i < secrets.size(); i++) {
      byte[] secret = secrets.get(i);
      if (secret.length < MIN_SECRET_CHARS) {
        throw new IllegalArgumentException("terminal secret " + (i + 1) + ": " + secret.length
            + " bytes (expected: >= " + MIN_SECRET_CHARS + ")");
      }
      copies.add(secret.clone());
    }
    this.secrets = List.copyOf(copies);
  }

  /**
   * The token of {@code terminalId} under {@code secret}.
   *
   * @param secret the HMAC key: the UTF-8 bytes of the deployment secret; any length (the
   *     {@value #MIN_SECRET_CHARS}-character minimum is checked where secrets are loaded)
   * @param terminalId the terminal id exactly as sent in Hello (UTF-8)
   * @return {@value #TOKEN_CHARS} characters of unpadded base64url
   * @throws IllegalArgumentException if {@code secret} is empty
   */
  public static String issue(byte[] secret, String terminalId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(secret, terminalId));
  }

  /**
   * The token of {@code terminalId} under the current secret: what a terminal must send.
   *
   * @param terminalId the terminal id exactly as sent in Hello
   * @return {@value #TOKEN_CHARS} characters of unpadded base64url
   */
  public String issue(String terminalId) {
    return issue(secrets.get(0), terminalId);
  }

  /**
   * Whether {@code token} is the token of {@code terminalId} under the current or the previous
   * secret. Takes the same time whatever the token's content: every secret is tried, and each
   * comparison is {@link MessageDigest#isEqual} over equal-length byte arrays (a token of the
   * wrong length is compared against a same-length buffer too).
   *
   * @param terminalId the terminal id from Hello
   * @param token the auth_token from Hello; any string
   * @return {@code true} if the token proves the terminal id
   */
  public boolean verify(String terminalId, String token) {
    byte[] presented = token.getBytes(StandardCharsets.UTF_8);
    boolean lengthOk = presented.length == TOKEN_CHARS;
    byte[] candidate = lengthOk ? presented : new byte[TOKEN_CHARS];
    boolean match = false;
    for (byte[] secret : secrets) {
      byte[] expected = issue(secret, terminalId).getBytes(StandardCharsets.US_ASCII);
      match |= MessageDigest.isEqual(expected, candidate);
    }
    return match && lengthOk;
  }

  /** How many secrets are accepted: 1, or 2 during a rotation. */
  public int secretCount() {
    return secrets.size();
  }

  /** Says how many secrets there are; never a secret. */
  @Override
  public String toString() {
    return "TerminalTokens{secrets=" + secrets.size() + "}";
  }

  private static byte[] mac(byte[] secret, String terminalId) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret, ALGORITHM));
      return mac.doFinal((CONTEXT + terminalId).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
