package io.posrelay.relayctl.admin;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_ACK_TIMEOUT;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_UNCLAIMED;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_UNSPECIFIED;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Instant;

/** Deliveries as admin-api would return them. */
final class TestDeliveries {
  static final Instant T0 = Instant.parse("2026-11-29T03:34:56.120Z");

  private TestDeliveries() {}

  static Timestamp at(Instant instant) {
    return LedgerText.timestamp(instant);
  }

  /** A result received at T0 + offsetSeconds, never claimed: FAILED (UNCLAIMED). */
  static Delivery unclaimed(String resultId, String terminalId, long offsetSeconds) {
    Instant received = T0.plusSeconds(offsetSeconds);
    return Delivery.newBuilder()
        .setResultId(resultId)
        .setTerminalId(terminalId)
        .setMerchantId("M001")
        .setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setFailureReason(FailureReason.FAILURE_REASON_UNCLAIMED)
        .setReceivedAt(at(received))
        .setFailedAt(at(received.plusSeconds(3)))
        .setUpdatedAt(at(received.plusSeconds(3)))
        .setAttempt(1)
        .setPaymentResult(payment(resultId, terminalId, 15000, "KRW"))
        .addTimeline(step(DELIVERY_STATUS_PENDING, FAILURE_REASON_UNSPECIFIED, "", "", received))
        .addTimeline(step(DELIVERY_STATUS_FAILED, FAILURE_REASON_UNCLAIMED, "", "",
            received.plusSeconds(3)))
        .build();
  }

  /** A result relay-1 wrote to the terminal that never acked it: FAILED (ACK_TIMEOUT). */
  static Delivery ackTimedOut(String resultId, String terminalId) {
    Instant received = T0;
    return Delivery.newBuilder()
        .setResultId(resultId)
        .setTerminalId(terminalId)
        .setMerchantId("M002")
        .setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setFailureReason(FailureReason.FAILURE_REASON_ACK_TIMEOUT)
        .setNodeId("relay-1")
        .setSessionId("s-7")
        .setReceivedAt(at(received))
        .setClaimedAt(at(received.plusMillis(60)))
        .setFailedAt(at(received.plusMillis(5060)))
        .setUpdatedAt(at(received.plusMillis(5060)))
        .setDuplicateClaims(1)
        .setAttempt(1)
        .setPaymentResult(payment(resultId, terminalId, 1050, "USD"))
        .addTimeline(step(DELIVERY_STATUS_PENDING, FAILURE_REASON_UNSPECIFIED, "", "", received))
        .addTimeline(step(DELIVERY_STATUS_DELIVERING, FAILURE_REASON_UNSPECIFIED, "relay-1", "s-7",
            received.plusMillis(60)))
        .addTimeline(step(DELIVERY_STATUS_FAILED, FAILURE_REASON_ACK_TIMEOUT, "relay-1", "s-7",
            received.plusMillis(5060)))
        .build();
  }

  static PaymentResult payment(String resultId, String terminalId, long amount, String currency) {
    return PaymentResult.newBuilder()
        .setResultId(resultId)
        .setTransactionId("tx-" + resultId)
        .setTerminalId(terminalId)
        .setMerchantId("M001")
        .setOrderId("O-1")
        .setResultCode("0000")
        .setResultMessage("approved")
        .setAmount(amount)
        .setCurrency(currency)
        .setApprovalNumber("30012345")
        .setCardNumberMasked("123456******1234")
        .setAttempt(1)
        .build();
  }

  static DeliveryStep step(
      DeliveryStatus status, FailureReason reason, String node, String session, Instant at) {
    return DeliveryStep.newBuilder()
        .setStatus(status)
        .setReason(reason)
        .setNodeId(node)
        .setSessionId(session)
        .setAt(at(at))
        .setAttempt(1)
        .build();
  }
}
