package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Session takeover across relay nodes and recovery on reconnect, against the real Kafka cluster
 * and admin-api: a terminal that moves to another node is told CODE_SESSION_REPLACED and closed
 * on the old one, and a result that found no terminal is delivered when the terminal comes back.
 */
@ExtendWith(SharedKafka.class)
class TakeoverAndRecoveryTest {
  private static PosRelayStack stack;

  @BeforeAll
  static void startStack(KafkaCluster kafka) throws Exception {
    stack = PosRelayStack.startWithRecovery(kafka);
  }

  @AfterAll
  static void stopStack() throws Exception {
    stack.close();
  }

  private static String terminalId(String name) {
    return name + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** FAILED delivery events node B acted on by fetching a session's undelivered results. */
  private static double recoveryTriggers() {
    return stack.relays.get(1).meterRegistry()
        .counter(RelayMeters.RECOVERY_TRIGGERS, "action", "fetch").count();
  }

  private static Delivery delivery(String resultId) {
    return stack.adminStub().getDelivery(
        GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }

  @Test
  void terminalReconnectingToAnotherNode_closesTheOldSessionAsReplaced_andResultsGoToTheNew()
      throws Exception {
    String tid = terminalId("MOVE");
    try (TestTerminal onA = TestTerminal.connect(stack.relayPort(0), tid);
        TestTerminal onB = TestTerminal.connect(stack.relayPort(1), tid)) {
      PosFrame error = onA.nextFrame(Duration.ofSeconds(10));
      assertThat(error).as("a frame on the old session").isNotNull();
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
      await().atMost(Duration.ofSeconds(10)).until(onA::closedByPeer);

      String tx = Webhook.newTransactionId();
      assertThat(stack.webhook.post(Webhook.approval(tx, tid, 4_200)).statusCode())
          .isEqualTo(202);

      String resultId = IlkResultIds.resultIdOf(tx);
      await().atMost(Duration.ofSeconds(10)).until(() -> onB.results().size() == 1);
      await().atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> delivery(resultId).getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      assertThat(onB.results()).extracting(PaymentResult::getResultId).containsExactly(resultId);
      assertThat(onA.results()).isEmpty();
      Delivery delivered = delivery(resultId);
      assertThat(delivered.getNodeId()).isEqualTo(onB.welcome().getNodeId());
      assertThat(delivered.getDuplicateClaims()).isZero();
    }
  }

  @Test
  void resultForADisconnectedTerminal_isDeliveredWhenItComesBack_andTheLedgerShowsDelivered()
      throws Exception {
    String tid = terminalId("AWAY");
    String tx = Webhook.newTransactionId();
    String resultId = IlkResultIds.resultIdOf(tx);
    assertThat(stack.webhook.post(Webhook.approval(tx, tid, 7_700)).statusCode()).isEqualTo(202);
    await().atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> delivery(resultId).getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED);
    assertThat(delivery(resultId).getFailureReason())
        .isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);

    try (TestTerminal back = TestTerminal.connect(stack.relayPort(1), tid)) {
      await().atMost(Duration.ofSeconds(5)).until(() -> back.results().size() == 1);
      PaymentResult recovered = back.results().get(0);
      assertThat(recovered.getResultId()).isEqualTo(resultId);
      assertThat(recovered.getTransactionId()).isEqualTo(tx);
      assertThat(recovered.getAmount()).isEqualTo(7_700);

      await().atMost(Duration.ofSeconds(10))
          .until(() -> delivery(resultId).getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      Delivery delivered = delivery(resultId);
      assertThat(delivered.getNodeId()).isEqualTo(back.welcome().getNodeId());
      assertThat(delivered.getSessionId()).isEqualTo(back.welcome().getSessionId());
      assertThat(back.results()).as("delivered once").hasSize(1);
    }
  }

  @Test
  void resultInFlightWhenTheTerminalMovesToAnotherNode_isRedeliveredThere_andDeliveredOnce()
      throws Exception {
    String tid = terminalId("RACE");
    String tx = Webhook.newTransactionId();
    String resultId = IlkResultIds.resultIdOf(tx);
    try (TestTerminal onA = TestTerminal.connect(stack.relayPort(0), tid, false)) {
      assertThat(stack.webhook.post(Webhook.approval(tx, tid, 3_300)).statusCode())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(10)).until(() -> onA.results().size() == 1);

      // Never acked on A: the terminal reconnects to B while the result is in flight. A fails
      // it with SESSION_REPLACED (usually after B's recovery fetch answered); B acts on the
      // ledger's FAILED event by fetching again, which redelivers it without waiting for the
      // follow-up fetch (claim deadline + ack timeout + 1 s after the first answer). Which of
      // the two finds it first is timing; that B acts on the event is behaviour.
      double triggersBefore = recoveryTriggers();
      try (TestTerminal onB = TestTerminal.connect(stack.relayPort(1), tid)) {
        await().atMost(Duration.ofSeconds(10)).until(onA::closedByPeer);
        await().atMost(Duration.ofSeconds(20)).until(() -> onB.results().size() == 1);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> recoveryTriggers() - triggersBefore >= 1);
        assertThat(recoveryTriggers() - triggersBefore)
            .as("B fetched again on the FAILED delivery event").isEqualTo(1);
        assertThat(onB.results().get(0).getResultId()).isEqualTo(resultId);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> delivery(resultId).getStatus()
                == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
        Delivery delivered = delivery(resultId);
        assertThat(delivered.getSessionId()).isEqualTo(onB.welcome().getSessionId());
        assertThat(delivered.getTimelineList()).anySatisfy(step ->
            assertThat(step.getReason()).isEqualTo(FailureReason.FAILURE_REASON_SESSION_REPLACED));
        assertThat(onB.results()).as("delivered once on B").hasSize(1);
      }
    }
  }
}
