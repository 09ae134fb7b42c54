package io.posrelay.it;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.ReversalKeys;
import io.posrelay.admin.metrics.AdminMeters;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.pos.v1.RecentResponse;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.testkit.pos.ReceivedResult;
import io.posrelay.v1.PaymentResult;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reversal decision end to end (issue 13, drills c and d, and the "never delivered again"
 * rule, an ILK retry of the callback after the decision included):
 * ilk-ingest, one relay node with recovery on reconnect, and admin-api whose reversal deadline is
 * a few seconds, against the real KRaft cluster. The relay's and the ledger's ack timeout is
 * longer than the reversal deadline, so a result written to a terminal that has not acked yet is
 * decided while in flight, and the terminal's ack arrives after the decision.
 */
@ExtendWith(SharedKafka.class)
class ReversalDrillTest {
  private static final Duration REVERSAL_DEADLINE = Duration.ofSeconds(5);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private static AdminServer admin;
  private static RelayServer relay;
  private static IlkIngestServer ingest;
  private static Webhook webhook;
  private static ManagedChannel channel;
  private static String bootstrap;

  @BeforeAll
  static void startStack(KafkaCluster kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    String applicationId = "it-reversal-" + UUID.randomUUID();
    LedgerHistory.skip(kafka, applicationId);
    admin = PosRelayStack.startAdmin(TestConfigs.admin(bootstrap, applicationId,
            Files.createTempDirectory("posrelay-admin-state"))
        .set(KafkaKeys.ACK_TIMEOUT, ACK_TIMEOUT)
        .set(ReversalKeys.DEADLINE, REVERSAL_DEADLINE)
        .build());
    relay = RelayServer.start(TestConfigs.relay(bootstrap, "it-reversal-relay")
        .set(KafkaKeys.ACK_TIMEOUT, ACK_TIMEOUT)
        .set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + admin.port())
        .build());
    ingest = IlkIngestServer.start(TestConfigs.ingest(bootstrap).build());
    webhook = new Webhook(ingest.port());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port()).usePlaintext().build();
  }

  @AfterAll
  static void stopStack() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    PosRelayStack.closeAll(Stream.of(ingest, relay, admin).filter(Objects::nonNull).toList());
  }

  @Test
  void drillD_lateAckAfterTheDecision_isARecordedCountedEmittedConflict() throws Exception {
    String tid = "LATEACK-" + Long.toString(System.nanoTime(), 36);
    String tx = Webhook.newTransactionId();
    String resultId = IlkResultIds.resultIdOf(tx);
    double conflictsCounted = conflictsCounter();
    try (TestTerminal terminal = TestTerminal.connect(relay.port(), tid, false)) {
      assertThat(webhook.post(Webhook.approval(tx, tid, 12_000)).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> terminal.results().size() == 1);
      // The terminal holds its ack (a slow payment screen) until the ledger has decided.
      await().atMost(REVERSAL_DEADLINE.plusSeconds(20)).pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .until(() -> get(resultId).getStatus() == DELIVERY_STATUS_REVERSAL_REQUIRED);
      Delivery decided = get(resultId);
      terminal.ack(resultId);

      await().atMost(Duration.ofSeconds(20)).until(() -> get(resultId).hasConflict());
      Delivery conflicted = get(resultId);
      assertThat(conflicted.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
      assertThat(conflicted.hasDeliveredAt()).isFalse();
      assertThat(conflicted.getConflict().getNodeId()).isEqualTo("it-reversal-relay");
      assertThat(millis(conflicted.getConflict().getAckedAt()))
          .isGreaterThanOrEqualTo(millis(decided.getReversalRequiredAt()));
      GetStatsResponse stats = stub().getStats(GetStatsRequest.getDefaultInstance());
      assertThat(stats.getConflicts()).isGreaterThanOrEqualTo(1);
      assertThat(stats.getReversalsRequired()).isGreaterThanOrEqualTo(1);
      // The conflict's event is committed with the ledger's next transaction (within its
      // commit interval), which may end after the query above already shows the conflict.
      List<DeliveryEvent> events;
      try (LedgerEvents ledger = new LedgerEvents(bootstrap)) {
        events = await().atMost(Duration.ofSeconds(20))
            .until(() -> ledger.committedEventsAbout(Set.of(resultId)),
                e -> e.stream().anyMatch(DeliveryEvent::getConflict));
      }
      List<DeliveryEvent> conflicts = events.stream().filter(DeliveryEvent::getConflict).toList();
      assertThat(conflicts).singleElement().satisfies(e -> {
        assertThat(e.getFrom()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
        assertThat(e.getTo()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
        assertThat(e.getPaymentResult().getTransactionId()).isEqualTo(tx);
        assertThat(e.getPaymentResult().getCardNumberMasked()).isEqualTo("123456******1234");
      });
      assertThat(events).filteredOn(e -> !e.getConflict()
              && e.getTo() == DELIVERY_STATUS_REVERSAL_REQUIRED)
          .singleElement().satisfies(e -> assertThat(e.hasPaymentResult()).isTrue());
      await().atMost(Duration.ofSeconds(10))
          .until(() -> conflictsCounter() >= conflictsCounted + 1);

      long receivedAt = millis(conflicted.getReceivedAt());
      long decidedAt = millis(conflicted.getReversalRequiredAt());
      long ackedAt = millis(conflicted.getConflict().getAckedAt());
      long recordedAt = millis(conflicted.getConflict().getRecordedAt());
      System.out.printf("DRILL late-ack-conflict: reversal deadline %d ms; decided %d ms after"
              + " received_at (from %s); ack %d ms after the decision, recorded %d ms after the"
              + " ack; status stays REVERSAL_REQUIRED; GetStats conflicts %d, reversals_required"
              + " %d; conflict events 1 of %d events; %s +%.0f%n",
          REVERSAL_DEADLINE.toMillis(), decidedAt - receivedAt,
          conflicted.getTimeline(conflicted.getTimelineCount() - 2).getStatus(),
          ackedAt - decidedAt, recordedAt - ackedAt, stats.getConflicts(),
          stats.getReversalsRequired(), events.size(),
          "posrelay_ledger_conflicts_total", conflictsCounter() - conflictsCounted);
    }
  }

  @Test
  void drillC_reconnectAfterTheDecision_isNotDelivered_andStatusSaysReversalRequiredWithThePayment()
      throws Exception {
    String tid = "NOREDELIVER-" + Long.toString(System.nanoTime(), 36);
    String approvalTx = Webhook.newTransactionId();
    String approvalId = IlkResultIds.resultIdOf(approvalTx);
    String declineTx = Webhook.newTransactionId();
    String declineId = IlkResultIds.resultIdOf(declineTx);
    assertThat(webhook.post(Webhook.approval(approvalTx, tid, 5_000)).statusCode())
        .isEqualTo(202);
    assertThat(webhook.post(Webhook.approval(declineTx, tid, 7_000)
        .replace("\"resultCode\":\"0000\"", "\"resultCode\":\"5100\"")).statusCode())
        .isEqualTo(202);
    await().atMost(REVERSAL_DEADLINE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get(approvalId).getStatus() == DELIVERY_STATUS_REVERSAL_REQUIRED
            && get(declineId).getStatus() == DELIVERY_STATUS_FAILED);
    Delivery decided = get(approvalId);
    // What a relay's recovery asks: the decline only.
    assertThat(stub().listDeliveries(ListDeliveriesRequest.newBuilder().setTerminalId(tid)
            .addStatuses(DELIVERY_STATUS_FAILED).addStatuses(DELIVERY_STATUS_PENDING).build())
        .getDeliveriesList()).extracting(Delivery::getResultId).containsExactly(declineId);
    assertThat(stub().getDelivery(GetDeliveryRequest.newBuilder().setTransactionId(approvalTx)
        .build()).getResultId()).isEqualTo(approvalId);
    assertThatThrownBy(() -> stub().retryDelivery(RetryDeliveryRequest.newBuilder()
        .setResultId(approvalId).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).contains("DELIVERY_STATUS_REVERSAL_REQUIRED");
        });

    double fetches = recoveryFetches();
    double triggers = recoveryTriggers();
    List<ReceivedResult> received = new CopyOnWriteArrayList<>();
    // A protocol version 2 terminal that acks whatever it is written: a delivered approval would
    // show as a conflict in the ledger.
    try (PosSimulator terminal = PosSimulator.start(
        List.of(HostAndPort.fromParts("127.0.0.1", relay.port())), List.of(tid), received::add)) {
      assertThat(terminal.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      long asked = System.nanoTime();
      StatusResponse status = terminal.statusRequest(tid,
          StatusRequest.newBuilder().setTransactionId(approvalTx).build()).get(10, SECONDS);
      long statusMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      assertThat(status.getFound()).isTrue();
      assertThat(status.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_REVERSAL_REQUIRED);
      PaymentResult payment = status.getPaymentResult();
      assertThat(payment.getResultId()).isEqualTo(approvalId);
      assertThat(payment.getTransactionId()).isEqualTo(approvalTx);
      assertThat(payment.getAmount()).isEqualTo(5_000);
      assertThat(payment.getApprovalNumber()).isEqualTo("30012345");
      assertThat(payment.getResultCode()).isEqualTo("0000");
      RecentResponse recent = terminal.recentRequest(tid, 5).get(10, SECONDS);
      assertThat(recent.getResultsList())
          .filteredOn(r -> r.getPaymentResult().getResultId().equals(approvalId))
          .singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_REVERSAL_REQUIRED);
            assertThat(r.getPaymentResult().getAmount()).isEqualTo(5_000);
          });

      // The recovery on Hello and its follow-up (claim deadline + ack timeout + 1 s later).
      await().atMost(ACK_TIMEOUT.plusSeconds(30)).until(() -> recoveryFetches() >= fetches + 2);
      await().atMost(Duration.ofSeconds(10)).until(() -> !received.isEmpty());
      assertThat(received).extracting(r -> r.result().getResultId()).containsOnly(declineId);
      assertThat(get(approvalId).getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
      assertThat(get(approvalId).hasConflict()).isFalse();
      System.out.printf("DRILL reversal-inquiry: reversal deadline %d ms; decided %d ms after"
              + " received_at; terminal back after the decision: %d recovery fetches and %d"
              + " delivery-event triggers, delivered %s, the REVERSAL_REQUIRED approval not among"
              + " them; StatusRequest by transaction_id answered in %d ms: %s, amount %d,"
              + " approval number %s; RecentRequest listed it among %d; ledger: no conflict%n",
          REVERSAL_DEADLINE.toMillis(),
          millis(decided.getReversalRequiredAt()) - millis(decided.getReceivedAt()),
          (long) (recoveryFetches() - fetches), (long) (recoveryTriggers() - triggers),
          received.stream().map(r -> r.result().getResultCode()).toList(), statusMillis,
          status.getStatus(), payment.getAmount(), payment.getApprovalNumber(),
          recent.getResultsCount());
    }
  }

  @Test
  void ilkRetryAfterTheDecision_isNotDeliveredToTheConnectedTerminal_andLeavesNoConflict()
      throws Exception {
    String tid = "ILKRETRY-" + Long.toString(System.nanoTime(), 36);
    String tx = Webhook.newTransactionId();
    String resultId = IlkResultIds.resultIdOf(tx);
    String callback = Webhook.approval(tx, tid, 9_900);
    double remembered = relayMeter(RelayMeters.REVERSALS_REMEMBERED);
    assertThat(webhook.post(callback).statusCode()).isEqualTo(202);
    await().atMost(REVERSAL_DEADLINE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> get(resultId).getStatus() == DELIVERY_STATUS_REVERSAL_REQUIRED);
    // The relay node has read the decision from posrelay.delivery-events.
    await().atMost(Duration.ofSeconds(20))
        .until(() -> relayMeter(RelayMeters.REVERSALS_REMEMBERED) >= remembered + 1);

    List<ReceivedResult> received = new CopyOnWriteArrayList<>();
    try (PosSimulator terminal = PosSimulator.start(
        List.of(HostAndPort.fromParts("127.0.0.1", relay.port())), List.of(tid), received::add)) {
      assertThat(terminal.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      double skipped = relayMeter(RelayMeters.RESULTS_REVERSED_SKIPPED);
      assertThat(webhook.post(callback).statusCode()).as("ILK retries the same callback")
          .isEqualTo(202);
      // A later payment of the same terminal: same partition, so it is read after the retry.
      String laterTx = Webhook.newTransactionId();
      String laterId = IlkResultIds.resultIdOf(laterTx);
      assertThat(webhook.post(Webhook.approval(laterTx, tid, 1_100)).statusCode()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> received.stream()
          .anyMatch(r -> r.result().getResultId().equals(laterId)));
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> get(laterId).getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED);

      assertThat(received).extracting(r -> r.result().getResultId()).containsExactly(laterId);
      assertThat(relayMeter(RelayMeters.RESULTS_REVERSED_SKIPPED)).isEqualTo(skipped + 1);
      Delivery reversal = get(resultId);
      assertThat(reversal.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
      assertThat(reversal.hasConflict()).isFalse();
      assertThat(reversal.hasDeliveredAt()).isFalse();
      System.out.printf("DRILL ilk-retry-after-reversal: the same callback again %d ms after the"
              + " decision, to a connected terminal: not written (%s +1), a later payment"
              + " delivered; ledger REVERSAL_REQUIRED, no conflict%n",
          System.currentTimeMillis() - millis(reversal.getReversalRequiredAt()),
          "posrelay_relay_results_reversed_skipped_total");
    }
  }

  private static DeliveryAdminGrpc.DeliveryAdminBlockingStub stub() {
    return DeliveryAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static Delivery get(String resultId) {
    return stub().getDelivery(GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }

  private static double conflictsCounter() {
    return admin.meterRegistry().get(AdminMeters.LEDGER_CONFLICTS).counter().count();
  }

  private static double recoveryFetches() {
    return relay.meterRegistry()
        .counter(RelayMeters.RECOVERY_FETCHES, "outcome", "success").count();
  }

  private static double recoveryTriggers() {
    return relay.meterRegistry()
        .counter(RelayMeters.RECOVERY_TRIGGERS, "action", "fetch").count();
  }

  private static double relayMeter(String name) {
    return relay.meterRegistry().get(name).meter().measure().iterator().next().getValue();
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000L + t.getNanos() / 1_000_000;
  }
}
