package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.RecentResponse;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.relay.metrics.InquiryMeters;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Drill: a terminal that was offline while its payments were approved comes back, speaking
 * protocol version 2, and asks what happened — by ILK's transaction id, then for its newest
 * results — against the real Kafka cluster and admin-api. It acks the undelivered approval it
 * learnt of, and the ledger records the delivery.
 */
@ExtendWith(SharedKafka.class)
class StatusInquiryDrillTest {
  private static PosRelayStack stack;

  @BeforeAll
  static void startStack(KafkaCluster kafka) throws Exception {
    stack = PosRelayStack.startWithRecovery(kafka);
  }

  @AfterAll
  static void stopStack() throws Exception {
    stack.close();
  }

  private static Delivery delivery(String resultId) {
    return stack.adminStub().getDelivery(
        GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }

  /** The next frame that is not a payment result (those the terminal handles apart). */
  private static PosFrame answer(TestTerminal terminal) throws InterruptedException {
    while (true) {
      PosFrame frame = terminal.nextFrame(Duration.ofSeconds(10));
      if (!frame.hasPaymentResult()) {
        return frame;
      }
    }
  }

  private static void failedUnclaimed(String resultId) {
    await().atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> delivery(resultId).getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED);
  }

  @Test
  void offlineTerminal_asksByTransactionId_getsFailedWithThePayment_acksIt_andTheLedgerShowsDelivered()
      throws Exception {
    String tid = "INQ-" + Long.toString(System.nanoTime(), 36);
    String olderTx = Webhook.newTransactionId();
    String tx = Webhook.newTransactionId();
    String otherTx = Webhook.newTransactionId();
    assertThat(stack.webhook.post(Webhook.approval(olderTx, tid, 1_100)).statusCode())
        .isEqualTo(202);
    failedUnclaimed(IlkResultIds.resultIdOf(olderTx));
    assertThat(stack.webhook.post(Webhook.approval(tx, tid, 8_800)).statusCode()).isEqualTo(202);
    assertThat(stack.webhook.post(Webhook.approval(otherTx, tid + "-B", 2_200)).statusCode())
        .isEqualTo(202);
    String resultId = IlkResultIds.resultIdOf(tx);
    failedUnclaimed(resultId);
    failedUnclaimed(IlkResultIds.resultIdOf(otherTx));

    try (TestTerminal back = TestTerminal.connect(stack.relayPort(1), tid, false, 2)) {
      assertThat(back.welcome().getProtocolVersion()).isEqualTo(2);
      long asked = System.nanoTime();
      back.send(PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder()
          .setRequestId("q-1").setTransactionId(tx)).build());
      StatusResponse status = answer(back).getStatusResponse();
      long statusMillis = (System.nanoTime() - asked) / 1_000_000;
      assertThat(status.getRequestId()).isEqualTo("q-1");
      assertThat(status.getFound()).isTrue();
      assertThat(status.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_FAILED);
      assertThat(status.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
      PaymentResult payment = status.getPaymentResult();
      assertThat(payment.getResultId()).isEqualTo(resultId);
      assertThat(payment.getTransactionId()).isEqualTo(tx);
      assertThat(payment.getAmount()).isEqualTo(8_800);

      back.send(PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder()
          .setRequestId("q-2").setTransactionId(otherTx)).build());
      StatusResponse other = answer(back).getStatusResponse();
      assertThat(other.getRequestId()).isEqualTo("q-2");
      assertThat(other.getFound()).as("another terminal's payment is not found").isFalse();

      long acked = System.nanoTime();
      back.ack(resultId);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
          .until(() -> delivery(resultId).getStatus()
              == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      long deliveredMillis = (System.nanoTime() - acked) / 1_000_000;
      Delivery delivered = delivery(resultId);
      assertThat(delivered.getSessionId()).isEqualTo(back.welcome().getSessionId());

      back.send(PosFrame.newBuilder().setRecentRequest(RecentRequest.newBuilder()
          .setRequestId("q-3").setLimit(5)).build());
      RecentResponse recent = answer(back).getRecentResponse();
      assertThat(recent.getRequestId()).isEqualTo("q-3");
      assertThat(recent.getResultsList()).extracting(r -> r.getPaymentResult().getTransactionId())
          .as("newest first, this terminal's only").containsExactly(tx, olderTx);
      assertThat(recent.getResults(0).getStatus())
          .isEqualTo(ResultStatus.RESULT_STATUS_DELIVERED);
      assertThat(back.closedByPeer()).isFalse();

      double inquiryAcks = stack.relays.get(1).meterRegistry()
          .counter(InquiryMeters.INQUIRY_ACKS).count();
      System.out.printf("DRILL status-inquiry: status answered in %d ms (FAILED/UNCLAIMED, amount"
              + " %d); other terminal's transaction found=false; ack -> ledger DELIVERED in %d ms"
              + " (%s); recent returned %d newest first; session open%n",
          statusMillis, payment.getAmount(), deliveredMillis,
          inquiryAcks >= 1 ? "claimed by the inquiry's ack path"
              : "recovery had written it meanwhile: claimed by the delivery in flight",
          recent.getResultsCount());
    }
  }
}
