package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole path: webhook → Kafka → two relay nodes → terminals → claims → ledger → gRPC. */
@ExtendWith(SharedKafka.class)
class EndToEndDeliveryTest {
  private static PosRelayStack stack;

  @BeforeAll
  static void startStack(KafkaCluster kafka) throws Exception {
    stack = PosRelayStack.start(kafka);
  }

  @AfterAll
  static void stopStack() throws Exception {
    stack.close();
  }

  private static String terminalId(String name) {
    return name + "-" + Long.toString(System.nanoTime(), 36);
  }

  private static String accept(String body) throws Exception {
    HttpResponse<String> response = stack.webhook.post(body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return response.body();
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static Delivery delivery(String resultId) {
    return stack.adminStub().getDelivery(GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }

  @Test
  void eachResult_reachesOnlyItsOwnTerminal_withEveryFieldIntact() throws Exception {
    String tidA = terminalId("A");
    String tidB = terminalId("B");
    try (TestTerminal a = TestTerminal.connect(stack.relayPort(0), tidA);
        TestTerminal b = TestTerminal.connect(stack.relayPort(1), tidB)) {
      String txA = Webhook.newTransactionId();
      String txB = Webhook.newTransactionId();

      String bodyA = accept(Webhook.approval(txA, tidA, 15_000));
      accept(Webhook.approval(txB, tidB, 27_500));

      await().atMost(Duration.ofSeconds(10)).until(() -> a.results().size() == 1 && b.results().size() == 1);
      PaymentResult atA = a.results().get(0);
      assertThat(bodyA).contains(atA.getResultId());
      assertThat(atA.getResultId()).isEqualTo(IlkResultIds.resultIdOf(txA));
      assertThat(atA.getTransactionId()).isEqualTo(txA);
      assertThat(atA.getTerminalId()).isEqualTo(tidA);
      assertThat(atA.getMerchantId()).isEqualTo("M-" + tidA);
      assertThat(atA.getOrderId()).isEqualTo("O-" + txA);
      assertThat(atA.getResultCode()).isEqualTo("0000");
      assertThat(atA.getResultMessage()).isEqualTo("approved");
      assertThat(atA.getAmount()).isEqualTo(15_000);
      assertThat(atA.getCurrency()).isEqualTo("KRW");
      assertThat(atA.getApprovalNumber()).isEqualTo("30012345");
      assertThat(atA.getCardNumberMasked()).isEqualTo("123456******1234");
      assertThat(atA.getInstallmentMonths()).isEqualTo(3);
      assertThat(java.time.Instant.ofEpochSecond(atA.getApprovedAt().getSeconds()))
          .isEqualTo(java.time.Instant.parse("2026-11-29T03:34:56Z"));
      assertThat(atA.hasReceivedAt()).isTrue();
      assertThat(b.results()).extracting(PaymentResult::getTransactionId).containsExactly(txB);
      assertThat(b.results().get(0).getAmount()).isEqualTo(27_500);

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Delivery deliveredA = delivery(atA.getResultId());
        assertThat(deliveredA.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
        assertThat(deliveredA.getNodeId()).isEqualTo(a.welcome().getNodeId());
        assertThat(deliveredA.getSessionId()).isEqualTo(a.welcome().getSessionId());
        assertThat(deliveredA.getDuplicateClaims()).isZero();
        assertThat(deliveredA.hasDeliveredAt()).isTrue();
      });
      assertThat(a.welcome().getNodeId()).isNotEqualTo(b.welcome().getNodeId());
    }
  }

  /**
   * The ledger fails a result no node claimed once its claim deadline has passed: not before (it
   * was PENDING for at least the deadline, a bound no load can break), and with no wall-clock
   * bound on how soon after (the generous await only keeps a broken ledger from hanging the
   * test).
   */
  @Test
  void resultForUnconnectedTerminal_isFailedUnclaimed_onceItsClaimDeadlinePassed()
      throws Exception {
    String tid = terminalId("NOBODY");
    String tx = Webhook.newTransactionId();

    accept(Webhook.approval(tx, tid, 1_000));

    String resultId = IlkResultIds.resultIdOf(tx);
    ListDeliveriesRequest failedForTerminal =
        ListDeliveriesRequest.newBuilder()
            .addStatuses(DeliveryStatus.DELIVERY_STATUS_FAILED)
            .setTerminalId(tid)
            .build();
    await()
        .atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(() -> {
          ListDeliveriesResponse page = stack.adminStub().listDeliveries(failedForTerminal);
          assertThat(page.getDeliveriesList()).extracting(Delivery::getResultId).containsExactly(resultId);
        });
    Delivery failed = delivery(resultId);
    assertThat(failed.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
    assertThat(failed.getNodeId()).isEmpty();
    assertThat(failed.getPaymentResult().getTransactionId()).isEqualTo(tx);
    DeliveryStep pending = failed.getTimeline(0);
    assertThat(pending.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_PENDING);
    assertThat(Duration.between(instant(pending.getAt()), instant(failed.getFailedAt())))
        .as("from PENDING to FAILED").isGreaterThanOrEqualTo(PosRelayStack.CLAIM_DEADLINE);
  }

  @Test
  void ilkRetryOfAckedResult_isNotDeliveredTwice() throws Exception {
    String tid = terminalId("RETRY");
    try (TestTerminal terminal = TestTerminal.connect(stack.relayPort(0), tid)) {
      String tx = Webhook.newTransactionId();
      String body = Webhook.approval(tx, tid, 5_000);
      String resultId = IlkResultIds.resultIdOf(tx);
      accept(body);
      await().atMost(Duration.ofSeconds(10)).until(() -> delivery(resultId).getStatus()
          == DeliveryStatus.DELIVERY_STATUS_DELIVERED);

      accept(body); // ILK retries the same callback
      String laterTx = Webhook.newTransactionId();
      accept(Webhook.approval(laterTx, tid, 6_000));

      // Same terminal, same partition: once the later result arrives, the retry was processed.
      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() >= 2);
      assertThat(terminal.results())
          .extracting(PaymentResult::getTransactionId)
          .containsExactly(tx, laterTx);
      assertThat(delivery(resultId).getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    }
  }

  @Test
  void listDeliveries_overGrpc_pagesThroughOneTerminalsResultsNewestFirst() throws Exception {
    String tid = terminalId("LIST");
    try (TestTerminal terminal = TestTerminal.connect(stack.relayPort(1), tid)) {
      List<String> resultIds = new java.util.ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String tx = Webhook.newTransactionId();
        accept(Webhook.approval(tx, tid, 100 + i));
        resultIds.add(IlkResultIds.resultIdOf(tx));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> terminal.results().size() == 5);
      ListDeliveriesRequest delivered =
          ListDeliveriesRequest.newBuilder()
              .setTerminalId(tid)
              .addStatuses(DeliveryStatus.DELIVERY_STATUS_DELIVERED)
              .setPageSize(2)
              .build();
      await().atMost(Duration.ofSeconds(10)).until(() -> allPages(delivered).size() == 5);

      List<Delivery> all = allPages(delivered);
      assertThat(all).extracting(Delivery::getResultId).containsExactlyInAnyOrderElementsOf(resultIds);
      assertThat(all)
          .extracting(d -> d.getReceivedAt().getSeconds() * 1_000_000_000L + d.getReceivedAt().getNanos())
          .isSortedAccordingTo(java.util.Comparator.reverseOrder());
      assertThat(all).allSatisfy(d -> assertThat(d.getTerminalId()).isEqualTo(tid));
    }
  }

  private static List<Delivery> allPages(ListDeliveriesRequest first) {
    List<Delivery> all = new java.util.ArrayList<>();
    ListDeliveriesRequest request = first;
    for (int pages = 0; pages < 100; pages++) {
      ListDeliveriesResponse response = stack.adminStub().listDeliveries(request);
      all.addAll(response.getDeliveriesList());
      if (response.getNextPageToken().isEmpty()) {
        return all;
      }
      request = request.toBuilder().setPageToken(response.getNextPageToken()).build();
    }
    throw new AssertionError("more than 100 pages");
  }

  @Test
  void adminApi_isHealthyAndListsDeliveryAdminThroughReflection() throws Exception {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(stack.adminChannel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("").build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    CompletableFuture<List<String>> services = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(stack.adminChannel)
            .serverReflectionInfo(new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse response) {
                services.complete(response.getListServicesResponse().getServiceList().stream()
                    .map(ServiceResponse::getName)
                    .collect(Collectors.toList()));
              }

              @Override
              public void onError(Throwable t) {
                services.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onCompleted();

    assertThat(services.get(10, TimeUnit.SECONDS))
        .contains("posrelay.admin.v1.DeliveryAdmin", "grpc.health.v1.Health");
  }
}
