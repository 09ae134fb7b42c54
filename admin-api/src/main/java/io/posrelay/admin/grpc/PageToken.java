package io.posrelay.admin.grpc;

import io.grpc.Status;
import io.posrelay.admin.ledger.SortKey;
import io.posrelay.admin.v1.DeliveryStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * The opaque {@code page_token} of {@code ListDeliveries}: a cursor, not an offset, so it stays
 * valid while records are added or change status. Base64url (no padding) of:
 *
 * <pre>
 * +---------+--------------------+--------------------+---------------+----------------------+
 * | version | filter hash        | received_at secs   | received_at ns | result_id (UTF-8)   |
 * | 1 byte  | 8 bytes (SHA-256)  | 8 bytes            | 4 bytes        | rest, 1..256 bytes  |
 * +---------+--------------------+--------------------+---------------+----------------------+
 * </pre>
 *
 * The filter hash covers the statuses (as a set) and the terminal id, so a token used with other
 * filters is rejected. Tokens are not signed: a forged one can only move the cursor.
 */
final class PageToken {
  private static final byte VERSION = 1;
  private static final int HEADER_BYTES = 1 + 8 + 8 + 4;
  private static final int MAX_RESULT_ID_BYTES = 256;

  private PageToken() {}

  /** The hash of a request's filters; the statuses' order and repetitions do not matter. */
  static long filterHash(Set<DeliveryStatus> statuses, String terminalId) {
    StringBuilder canonical = new StringBuilder();
    statuses.stream().map(Enum::ordinal).sorted().forEach(o -> canonical.append(o).append(','));
    canonical.append('|').append(terminalId);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  static String encode(long filterHash, SortKey after) {
    byte[] id = after.resultId().getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + id.length);
    buf.put(VERSION)
        .putLong(filterHash)
        .putLong(after.receivedAt().getEpochSecond())
        .putInt(after.receivedAt().getNano())
        .put(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  /**
   * Decodes {@code token}.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming {@code page_token} if the token
   *     is malformed or was issued for other filters
   */
  static SortKey decode(String token, long expectedFilterHash) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
    if (bytes.length <= HEADER_BYTES
        || bytes.length > HEADER_BYTES + MAX_RESULT_ID_BYTES
        || bytes[0] != VERSION) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    if (buf.getLong() != expectedFilterHash) {
      throw invalid("issued for other statuses or terminal_id (expected: the same filters)");
    }
    long seconds = buf.getLong();
    int nanos = buf.getInt();
    String resultId =
        new String(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, StandardCharsets.UTF_8);
    try {
      return new SortKey(Instant.ofEpochSecond(seconds, nanos), resultId);
    } catch (DateTimeException | ArithmeticException e) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
  }

  private static io.grpc.StatusRuntimeException invalid(String why) {
    return Status.INVALID_ARGUMENT.withDescription("page_token: " + why).asRuntimeException();
  }
}
