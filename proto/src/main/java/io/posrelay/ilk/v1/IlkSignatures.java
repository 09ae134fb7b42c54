package io.posrelay.ilk.v1;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How ILK signs a callback (docs/ilk-webhook.md, "Signature"):
 *
 * <pre>
 * X-ILK-Timestamp: 1764385200                      unix epoch seconds, decimal ASCII digits
 * X-ILK-Signature: v1=&lt;64 lowercase hex digits&gt;  HMAC-SHA256(secret, signed string)
 *
 * signed string = the X-ILK-Timestamp value exactly as sent, then ".", then the raw body bytes
 * e.g.            31 37 36 34 33 38 35 32 30 30 2e 7b 22 74 72 ...   "1764385200.{"tr..."
 * </pre>
 *
 * The body is signed as bytes, before any JSON parsing or charset decoding. Stateless and
 * thread-safe; a {@link Signer} keys its HMAC once.
 */
public final class IlkSignatures {

  /** Header with the signing time, unix epoch seconds: {@value}. */
  public static final String TIMESTAMP_HEADER = "X-ILK-Timestamp";
  /** Header with the signature, {@code v1=<hex>}: {@value}. */
  public static final String SIGNATURE_HEADER = "X-ILK-Signature";
  /** Prefix of a version-1 (HMAC-SHA256) signature in {@link #SIGNATURE_HEADER}: {@value}. */
  public static final String V1_PREFIX = "v1=";
  /** Length of a version-1 signature in hex digits: {@value}. */
  public static final int V1_HEX_DIGITS = 64;

  private static final String HMAC_SHA256 = "HmacSHA256";

  private IlkSignatures() {}

  /**
   * The {@value #SIGNATURE_HEADER} value for a callback.
   *
   * @param key the secret's UTF-8 bytes (the current secret)
   * @param timestamp the {@value #TIMESTAMP_HEADER} value to send, e.g. {@code "1764385200"}
   * @param body the exact body bytes to send
   * @return {@code "v1="} followed by 64 lowercase hex digits
   */
  public static String sign(byte[] key, String timestamp, byte[] body) {
    return V1_PREFIX + HexFormat.of().formatHex(hmac(key, timestamp, ByteBuffer.wrap(body)));
  }

  /** HMAC-SHA256 over {@code timestamp + "." + body}; reads {@code body} without moving it. */
  public static byte[] hmac(byte[] key, String timestamp, ByteBuffer... body) {
    return hmac(newMac(key), timestamp, body);
  }

  private static byte[] hmac(Mac mac, String timestamp, ByteBuffer... body) {
    mac.update(timestamp.getBytes(US_ASCII));
    mac.update((byte) '.');
    for (ByteBuffer part : body) {
      mac.update(part.duplicate());
    }
    return mac.doFinal(); // and resets it for the next message
  }

  /**
   * Signs or checks with one key, as {@link #sign} and {@link #hmac} do, but keyed once: each
   * thread gets its own copy of one keyed {@link Mac} instead of a {@code Mac.getInstance} and
   * {@code init} per message. For a key used many times (a server's secrets). Thread-safe.
   */
  public static final class Signer {
    private final byte[] key;
    private final Mac keyed; // the prototype: only cloned, never used
    private final ThreadLocal<Mac> perThread = ThreadLocal.withInitial(this::copy);

    /** @param key the secret's UTF-8 bytes; copied */
    public Signer(byte[] key) {
      this.key = key.clone();
      this.keyed = newMac(this.key);
    }

    /** Whether this signer's key is {@code key} (to see if a rotated secret needs a new one). */
    public boolean hasKey(byte[] key) {
      return MessageDigest.isEqual(this.key, key);
    }

    /** As {@link IlkSignatures#hmac}, with this signer's key. */
    public byte[] hmac(String timestamp, ByteBuffer... body) {
      Mac mac = perThread.get();
      mac.reset(); // in case a previous use ended half-way
      return IlkSignatures.hmac(mac, timestamp, body);
    }

    /** As {@link IlkSignatures#sign}, with this signer's key. */
    public String sign(String timestamp, byte[] body) {
      return V1_PREFIX + HexFormat.of().formatHex(hmac(timestamp, ByteBuffer.wrap(body)));
    }

    private Mac copy() {
      try {
        return (Mac) keyed.clone();
      } catch (CloneNotSupportedException e) {
        return newMac(key); // a provider whose Mac cannot be cloned: key a new one
      }
    }
  }

  private static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(HMAC_SHA256);
      mac.init(new SecretKeySpec(key, HMAC_SHA256));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every Java platform has HmacSHA256, and any non-empty key is valid for it.
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
