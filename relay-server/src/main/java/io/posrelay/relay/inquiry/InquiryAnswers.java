package io.posrelay.relay.inquiry;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentResponse;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusResponse;
import java.util.List;

/**
 * Builds the frames that answer inquiries from what the ledger holds: the ledger's {@link
 * DeliveryStatus} in the terminal's words ({@link ResultStatus}). Stateless.
 */
final class InquiryAnswers {
  private InquiryAnswers() {}

  /**
   * The ResultStatus of a ledger status; UNSPECIFIED for one this node does not know (a newer
   * admin-api).
   */
  static ResultStatus statusOf(DeliveryStatus status) {
    return switch (status) {
      case DELIVERY_STATUS_PENDING -> ResultStatus.RESULT_STATUS_PENDING;
      case DELIVERY_STATUS_DELIVERING -> ResultStatus.RESULT_STATUS_DELIVERING;
      case DELIVERY_STATUS_DELIVERED -> ResultStatus.RESULT_STATUS_DELIVERED;
      case DELIVERY_STATUS_FAILED -> ResultStatus.RESULT_STATUS_FAILED;
      case DELIVERY_STATUS_EXPIRED -> ResultStatus.RESULT_STATUS_EXPIRED;
      case DELIVERY_STATUS_REVERSAL_REQUIRED -> ResultStatus.RESULT_STATUS_REVERSAL_REQUIRED;
      case DELIVERY_STATUS_UNSPECIFIED, UNRECOGNIZED -> ResultStatus.RESULT_STATUS_UNSPECIFIED;
    };
  }

  /**
   * Whether a terminal that learns of a result in this status may ack it as its delivery: one
   * not yet delivered (PENDING, DELIVERING, FAILED). Never REVERSAL_REQUIRED (being reversed),
   * EXPIRED (past retention) or DELIVERED (already counted).
   */
  static boolean ackable(ResultStatus status) {
    return status == ResultStatus.RESULT_STATUS_PENDING
        || status == ResultStatus.RESULT_STATUS_DELIVERING
        || status == ResultStatus.RESULT_STATUS_FAILED;
  }

  /** A found result, as in a StatusResponse (request_id empty: set by the caller if needed). */
  static StatusResponse found(Delivery delivery) {
    ResultStatus status = statusOf(delivery.getStatus());
    StatusResponse.Builder answer = StatusResponse.newBuilder()
        .setFound(true)
        .setStatus(status)
        .setPaymentResult(delivery.getPaymentResult());
    if (status == ResultStatus.RESULT_STATUS_FAILED
        || status == ResultStatus.RESULT_STATUS_EXPIRED) {
      answer.setFailureReason(delivery.getFailureReason());
    }
    return answer.build();
  }

  static PosFrame status(String requestId, StatusResponse answer) {
    return PosFrame.newBuilder()
        .setStatusResponse(answer.toBuilder().setRequestId(requestId))
        .build();
  }

  static PosFrame notFound(String requestId) {
    return PosFrame.newBuilder()
        .setStatusResponse(StatusResponse.newBuilder().setRequestId(requestId).setFound(false))
        .build();
  }

  static PosFrame recent(String requestId, List<StatusResponse> results) {
    return PosFrame.newBuilder()
        .setRecentResponse(
            RecentResponse.newBuilder().setRequestId(requestId).addAllResults(results))
        .build();
  }

  /** An Error that answers one request; the session stays open. */
  static PosFrame error(String requestId, Error.Code code, String message) {
    return PosFrame.newBuilder()
        .setError(Error.newBuilder().setCode(code).setMessage(message).setRequestId(requestId))
        .build();
  }
}
