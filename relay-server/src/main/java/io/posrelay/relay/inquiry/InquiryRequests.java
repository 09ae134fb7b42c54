package io.posrelay.relay.inquiry;

import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.StatusRequest;
import org.jspecify.annotations.Nullable;

/**
 * The field rules of inquiries (docs/pos-protocol.md §10). Each check returns a message that
 * names the field, for the Error's message, or {@code null} if the fields are valid. Messages
 * never echo a field's value (an id is not a secret, but nothing is gained by echoing it).
 * Stateless.
 */
final class InquiryRequests {
  /** Longest request_id, transaction_id and result_id, in characters. */
  static final int MAX_ID_LENGTH = 64;
  /** Fewest and most results a RecentRequest may ask for. */
  static final int MIN_RECENT = 1;
  static final int MAX_RECENT = 20;

  private InquiryRequests() {}

  /**
   * A request_id problem: the answer cannot be matched to a request without a valid one, so
   * the node ends the connection (Error CODE_INVALID_REQUEST without request_id).
   */
  static @Nullable String requestIdProblem(String requestId) {
    if (requestId.isEmpty() || requestId.length() > MAX_ID_LENGTH) {
      return "request_id: must be 1-" + MAX_ID_LENGTH + " characters, got "
          + requestId.length();
    }
    return null;
  }

  /** A StatusRequest problem other than its request_id; the session stays open. */
  static @Nullable String problemWith(StatusRequest request) {
    boolean byTransaction = !request.getTransactionId().isEmpty();
    boolean byResult = !request.getResultId().isEmpty();
    if (byTransaction == byResult) {
      return "transaction_id, result_id: give exactly one of them, got "
          + (byTransaction ? "both" : "neither");
    }
    if (request.getTransactionId().length() > MAX_ID_LENGTH) {
      return "transaction_id: must be 1-" + MAX_ID_LENGTH + " characters, got "
          + request.getTransactionId().length();
    }
    if (request.getResultId().length() > MAX_ID_LENGTH) {
      return "result_id: must be 1-" + MAX_ID_LENGTH + " characters, got "
          + request.getResultId().length();
    }
    return null;
  }

  /** A RecentRequest problem other than its request_id; the session stays open. */
  static @Nullable String problemWith(RecentRequest request) {
    if (request.getLimit() < MIN_RECENT || request.getLimit() > MAX_RECENT) {
      return "limit: must be " + MIN_RECENT + "-" + MAX_RECENT + ", got " + request.getLimit();
    }
    return null;
  }
}
