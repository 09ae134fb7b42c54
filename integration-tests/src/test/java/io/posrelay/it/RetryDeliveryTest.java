package io.posrelay.it;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RetryDelivery end to end: FAILED → re-published → delivered by the node holding the terminal. */
@ExtendWith(SharedKafka.class)
class RetryDeliveryTest {
  private static PosRelayStack stack;

  @BeforeAll
  static void startStack(KafkaCluster kafka) throws Exception {
    stack = PosRelayStack.start(kafka);
  }

  @AfterAll
  static void stopStack() throws Exception {
    stack.close();
  }

  @Test
  void retryOfAFailedResult_isDeliveredOnceTheTerminalIsConnected_andWatchersSeeIt()
      throws Exception {
    String tid = "RETRY-" + Long.toString(System.nanoTime(), 36);
    String tx = Webhook.newTransactionId();
    String resultId = IlkResultIds.resultIdOf(tx);
    assertThat(stack.webhook.post(Webhook.approval(tx, tid, 9_900)).statusCode()).isEqualTo(202);
    await().atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get(resultId).getStatus() == DELIVERY_STATUS_FAILED);
    assertThat(get(resultId).getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);

    List<DeliveryEvent> watched = new CopyOnWriteArrayList<>();
    Context.CancellableContext watch = Context.current().withCancellation();
    try (TestTerminal terminal = TestTerminal.connect(stack.relayPort(1), tid)) {
      watch.run(() -> DeliveryAdminGrpc.newStub(stack.adminChannel).watchDeliveryEvents(
          WatchDeliveryEventsRequest.newBuilder().setTerminalId(tid).build(),
          new StreamObserver<>() {
            @Override
            public void onNext(DeliveryEvent event) {
              watched.add(event);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
          }));
      await().atMost(Duration.ofSeconds(5)).until(() -> stack.admin.meterRegistry()
          .get(AdminServer.WATCHERS_METER).gauge().value() == 1);

      stack.adminStub().retryDelivery(RetryDeliveryRequest.newBuilder().setResultId(resultId)
          .build());

      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() == 1);
      PaymentResult received = terminal.results().get(0);
      assertThat(received.getResultId()).isEqualTo(resultId);
      assertThat(received.getAttempt()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> get(resultId).getStatus() == DELIVERY_STATUS_DELIVERED);
      Delivery delivered = get(resultId);
      assertThat(delivered.getAttempt()).isEqualTo(2);
      // DELIVERING shows only when the terminal's ack took longer than the node's claim delay
      // (500 ms): a quick ack is the node's only claim, and the ledger goes PENDING → DELIVERED.
      assertThat(delivered.getTimelineList()).extracting(DeliveryStep::getStatus).isIn(
          List.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED, DELIVERY_STATUS_PENDING,
              DELIVERY_STATUS_DELIVERED),
          List.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED, DELIVERY_STATUS_PENDING,
              DELIVERY_STATUS_DELIVERING, DELIVERY_STATUS_DELIVERED));
      assertThat(delivered.getTimeline(1).getReason())
          .isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
      // The retry's events (attempt 2). The watch may also see the FAILED of attempt 1: the
      // query above reads the ledger's store at once, while the feed reads committed
      // transitions, up to a commit interval later.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(watched).filteredOn(e -> e.getAttempt() == 2)
              .extracting(DeliveryEvent::getTo).isIn(
              List.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_DELIVERED),
              List.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_DELIVERING,
                  DELIVERY_STATUS_DELIVERED)));
    } finally {
      watch.cancel(null);
    }
  }

  private static Delivery get(String resultId) {
    return stack.adminStub().getDelivery(
        GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }
}
