package io.posrelay.admin.grpc;

import io.grpc.Status;
import io.posrelay.admin.ledger.LedgerQuery;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The opaque {@code page_token} of {@code ListDeliveries}: a cursor, not an offset, so it stays
 * valid while records are added or change status. Base64url (no padding) of:
 *
 * <pre>
 * +---------+-------------------+----------------------------------------------------------+
 * | version | filter hash       | position (UTF-8): "%019d" inverted received_at millis     |
 * | 1 byte  | 8 bytes (SHA-256) | + "/" + result_id, 21..276 bytes                          |
 * +---------+-------------------+----------------------------------------------------------+
 * </pre>
 *
 * The filter hash covers every filter, so a token used with other filters is rejected. Tokens are
 * not signed: a forged one can only move the cursor.
 */
final class PageToken {
  private static final byte VERSION = 2;
  private static final int HEADER_BYTES = 1 + 8;
  private static final int MAX_POSITION_BYTES = 20 + 256;
  private static final Pattern POSITION = Pattern.compile("\\d{19}/[^\\x00-\\x1f]+");

  private PageToken() {}

  /** The hash of a listing's filters; the statuses' order and repetitions do not matter. */
  static long filterHash(LedgerQuery query) {
    StringBuilder canonical = new StringBuilder();
    query.statuses().stream().map(Enum::ordinal).sorted()
        .forEach(o -> canonical.append(o).append(','));
    canonical.append('|').append(query.terminalId())
        .append('|').append(query.merchantId())
        .append('|').append(query.receivedAfterMs())
        .append('|').append(query.receivedBeforeMs());
    if (!query.transactionId().isEmpty() || !query.orderId().isEmpty()) {
      // Only when given, so the tokens of the older filters keep their hash (mixed versions).
      canonical.append('|').append(query.transactionId()).append('|').append(query.orderId());
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  static String encode(long filterHash, String position) {
    byte[] pos = position.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + pos.length);
    buf.put(VERSION).putLong(filterHash).put(pos);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
  }

  /**
   * Decodes {@code token} to a listing position.
   *
   * @throws io.grpc.StatusRuntimeException INVALID_ARGUMENT naming {@code page_token} if the token
   *     is malformed or was issued for other filters
   */
  static String decode(String token, long expectedFilterHash) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
    if (bytes.length <= HEADER_BYTES + 20
        || bytes.length > HEADER_BYTES + MAX_POSITION_BYTES
        || bytes[0] != VERSION) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
    if (ByteBuffer.wrap(bytes, 1, 8).getLong() != expectedFilterHash) {
      throw invalid("issued for other filters (expected: the same filters as the first page)");
    }
    String position =
        new String(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, StandardCharsets.UTF_8);
    if (!POSITION.matcher(position).matches()) {
      throw invalid("malformed (expected: next_page_token of a previous response)");
    }
    return position;
  }

  private static io.grpc.StatusRuntimeException invalid(String why) {
    return Status.INVALID_ARGUMENT.withDescription("page_token: " + why).asRuntimeException();
  }
}
