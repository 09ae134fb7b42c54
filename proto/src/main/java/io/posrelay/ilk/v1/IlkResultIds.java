package io.posrelay.ilk.v1;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.UUID;

/**
 * Derives the POS Relay {@code result_id} of an ILK callback from ILK's transaction id.
 *
 * <p>The id is a name-based (version 3) UUID of {@code "ilk:" + transactionId} in UTF-8, so every
 * retry of the same ILK callback maps to the same {@code result_id}; terminals and the ledger
 * deduplicate by it. Thread-safe and stateless.
 */
public final class IlkResultIds {

  private IlkResultIds() {}

  /**
   * Returns the stable {@code result_id} for an ILK transaction.
   *
   * @param transactionId ILK's transaction id, as received (1–64 characters in valid callbacks)
   * @return the lowercase UUID string, e.g. {@code "3f2b…-…"}; the same for the same input, always
   */
  public static String resultIdOf(String transactionId) {
    return UUID.nameUUIDFromBytes(("ilk:" + transactionId).getBytes(UTF_8)).toString();
  }
}
