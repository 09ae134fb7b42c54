package io.posrelay.ilk.v1;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Derives the POS Relay {@code result_id} of an ILK callback from ILK's transaction id.
 *
 * <p>The id is a name-based (version 3) UUID of {@code "ilk:" + transactionId} in UTF-8, so every
 * retry of the same ILK callback maps to the same {@code result_id}; terminals and the ledger
 * deduplicate by it. Thread-safe; each thread keeps one MD5 digest for {@link #nameUuid}.
 */
public final class IlkResultIds {

  /** One MD5 per thread: {@code MessageDigest.getInstance} per id costs more than the hash. */
  private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 unavailable", e); // every Java platform has MD5
    }
  });

  private IlkResultIds() {}

  /**
   * Returns the stable {@code result_id} for an ILK transaction.
   *
   * @param transactionId ILK's transaction id, as received (1–64 characters in valid callbacks)
   * @return the lowercase UUID string, e.g. {@code "3f2b…-…"}; the same for the same input, always
   */
  public static String resultIdOf(String transactionId) {
    return nameUuid("ilk:" + transactionId);
  }

  /**
   * The name-based (version 3) UUID of {@code name}'s UTF-8 bytes, as {@link
   * UUID#nameUUIDFromBytes} gives it, without looking up an MD5 digest per call.
   *
   * @param name any text, e.g. {@code "ilk:" + transactionId}
   * @return the lowercase UUID string, 36 characters
   */
  public static String nameUuid(String name) {
    byte[] md5 = MD5.get().digest(name.getBytes(UTF_8)); // digest() leaves it reset
    md5[6] = (byte) (md5[6] & 0x0f | 0x30); // version 3
    md5[8] = (byte) (md5[8] & 0x3f | 0x80); // IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = msb << 8 | (md5[i] & 0xff);
      lsb = lsb << 8 | (md5[i + 8] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }
}
