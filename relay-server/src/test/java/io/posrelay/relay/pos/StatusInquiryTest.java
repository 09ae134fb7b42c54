package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.ack;
import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.relay.inquiry.Inquiries;
import io.posrelay.relay.inquiry.InquiryAcks;
import io.posrelay.relay.inquiry.InquiryLimits;
import io.posrelay.relay.inquiry.LedgerLookup;
import io.posrelay.relay.metrics.InquiryMeters;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** StatusRequest and RecentRequest on one session, against a ledger held in a map. */
class StatusInquiryTest {
  private final PosFixture fx = new PosFixture();
  private final RecentResultIds acked = new RecentResultIds(1000, Duration.ofMinutes(10),
      System::nanoTime);
  private final FakeLedger ledger = new FakeLedger();

  /** A ledger in a map; with {@link #hold} set, answers wait in {@link #waiting}. */
  static final class FakeLedger implements LedgerLookup {
    final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();
    final List<CompletableFuture<?>> waiting = new CopyOnWriteArrayList<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile boolean hold;
    volatile @Nullable RuntimeException down;

    @Override
    public CompletionStage<Optional<Delivery>> delivery(String resultId) {
      asked.add("get " + resultId);
      return answer(Optional.ofNullable(deliveries.get(resultId)));
    }

    @Override
    public CompletionStage<List<Delivery>> newest(String terminalId, int limit) {
      asked.add("list " + terminalId + " " + limit);
      List<Delivery> mine = new ArrayList<>();
      deliveries.values().stream()
          .filter(d -> d.getTerminalId().equals(terminalId))
          .sorted((a, b) -> Long.compare(b.getReceivedAt().getSeconds(),
              a.getReceivedAt().getSeconds()))
          .limit(limit)
          .forEach(mine::add);
      return answer(mine);
    }

    private <T> CompletionStage<T> answer(T value) {
      CompletableFuture<T> f = new CompletableFuture<>();
      if (down != null) {
        f.completeExceptionally(down);
      } else if (hold) {
        waiting.add(f);
      } else {
        f.complete(value);
      }
      return f;
    }
  }

  private Inquiries inquiries(@Nullable LedgerLookup lookup, int perNode, int perSession) {
    return new Inquiries(lookup, new InquiryLimits(perNode, perSession),
        new InquiryMeters(fx.meterRegistry, fx.meters.sessions()),
        new InquiryAcks(PosFixture.NODE_ID, fx.claims, acked, fx.clock));
  }

  private EmbeddedChannel connectV2(String terminalId) {
    if (fx.inquiries == null) {
      fx.inquiries = inquiries(ledger, 100, 4);
    }
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    ch.writeInbound(PosFrame.newBuilder().setHello(Hello.newBuilder()
        .setTerminalId(terminalId).setProtocolVersion(2)).build());
    PosFrame welcome = ch.readOutbound();
    assertThat(welcome.getWelcome().getProtocolVersion()).isEqualTo(2);
    return ch;
  }

  private static Delivery delivery(PaymentResult result, DeliveryStatus status) {
    return Delivery.newBuilder()
        .setResultId(result.getResultId())
        .setTerminalId(result.getTerminalId())
        .setStatus(status)
        .setFailureReason(status == DeliveryStatus.DELIVERY_STATUS_FAILED
            ? FailureReason.FAILURE_REASON_UNCLAIMED : FailureReason.FAILURE_REASON_UNSPECIFIED)
        .setReceivedAt(result.getReceivedAt())
        .setPaymentResult(result)
        .setAttempt(1)
        .build();
  }

  private void stored(PaymentResult result, DeliveryStatus status) {
    ledger.deliveries.put(result.getResultId(), delivery(result, status));
  }

  private static PosFrame byResultId(String requestId, String resultId) {
    return PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder()
        .setRequestId(requestId).setResultId(resultId)).build();
  }

  private static PosFrame byTransactionId(String requestId, String transactionId) {
    return PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder()
        .setRequestId(requestId).setTransactionId(transactionId)).build();
  }

  private static PosFrame answer(EmbeddedChannel ch) {
    ch.runPendingTasks();
    PosFrame frame = ch.readOutbound();
    assertThat(frame).as("an answer").isNotNull();
    return frame;
  }

  private double inquiries(String kind, String outcome) {
    return fx.counter(InquiryMeters.INQUIRIES, "kind", kind, "outcome", outcome);
  }

  @Test
  void helloWithoutVersion_speaksVersion1_andAStatusRequestIsAFrameNotAllowed() {
    fx.inquiries = inquiries(ledger, 100, 4);
    EmbeddedChannel ch = fx.connect("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    PosFrame error = answer(ch);
    assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_MALFORMED_FRAME);
    assertThat(error.getError().getRequestId()).isEmpty();
    assertThat(ch.isOpen()).isFalse();
    assertThat(ledger.asked).isEmpty();
  }

  @Test
  void welcome_carriesTheLowerVersion_1ForNone_2ForHigher() {
    fx.inquiries = inquiries(ledger, 100, 4);
    for (int[] offeredAndUsed : new int[][] {{0, 1}, {1, 1}, {2, 2}, {7, 2}, {-1, 2}}) {
      EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
      ch.writeInbound(PosFrame.newBuilder().setHello(Hello.newBuilder()
          .setTerminalId("T-V").setProtocolVersion(offeredAndUsed[0])).build());
      PosFrame welcome = ch.readOutbound();
      assertThat(welcome.getWelcome().getProtocolVersion()).as("offered %s", offeredAndUsed[0])
          .isEqualTo(offeredAndUsed[1]);
    }
  }

  @Test
  void statusByResultId_answersTheLedgersStatusReasonAndPayment() {
    PaymentResult r = result("r-1", "T-1");
    stored(r, DeliveryStatus.DELIVERY_STATUS_FAILED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    StatusResponse answer = answer(ch).getStatusResponse();
    assertThat(answer.getRequestId()).isEqualTo("q1");
    assertThat(answer.getFound()).isTrue();
    assertThat(answer.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_FAILED);
    assertThat(answer.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
    assertThat(answer.getPaymentResult()).isEqualTo(r);
    assertThat(ch.isActive()).isTrue();
    assertThat(inquiries("status", "found")).isEqualTo(1);
  }

  @Test
  void statusByTransactionId_looksUpTheResultIdIlkIngestDerives() {
    PaymentResult r = result(IlkResultIds.resultIdOf("TX-9"), "T-1").toBuilder()
        .setTransactionId("TX-9").build();
    stored(r, DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byTransactionId("q2", "TX-9"));
    StatusResponse answer = answer(ch).getStatusResponse();
    assertThat(answer.getFound()).isTrue();
    assertThat(answer.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_REVERSAL_REQUIRED);
    assertThat(answer.getPaymentResult().getTransactionId()).isEqualTo("TX-9");
    assertThat(ledger.asked).containsExactly("get " + IlkResultIds.resultIdOf("TX-9"));
  }

  @Test
  void anotherTerminalsResult_isAnsweredExactlyAsAnUnknownId() {
    stored(result("r-other", "T-2"), DeliveryStatus.DELIVERY_STATUS_FAILED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q", "r-other"));
    PosFrame other = answer(ch);
    ch.writeInbound(byResultId("q", "r-unknown"));
    PosFrame unknown = answer(ch);
    assertThat(other.getStatusResponse().getFound()).isFalse();
    assertThat(other.toByteString()).as("same bytes").isEqualTo(unknown.toByteString());
    assertThat(inquiries("status", "not_found")).isEqualTo(2);
  }

  @Test
  void invalidFields_answerInvalidRequestNamingTheField_andTheSessionStaysOpen() {
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(PosFrame.newBuilder().setStatusRequest(StatusRequest.newBuilder()
        .setRequestId("q1").setResultId("r").setTransactionId("t")).build());
    Error both = answer(ch).getError();
    assertThat(both.getCode()).isEqualTo(Error.Code.CODE_INVALID_REQUEST);
    assertThat(both.getRequestId()).isEqualTo("q1");
    assertThat(both.getMessage()).startsWith("transaction_id, result_id:");
    ch.writeInbound(PosFrame.newBuilder().setRecentRequest(RecentRequest.newBuilder()
        .setRequestId("q2").setLimit(21)).build());
    Error limit = answer(ch).getError();
    assertThat(limit.getCode()).isEqualTo(Error.Code.CODE_INVALID_REQUEST);
    assertThat(limit.getMessage()).startsWith("limit:");
    assertThat(ch.isActive()).isTrue();
    assertThat(ledger.asked).isEmpty();
    assertThat(inquiries("status", "invalid")).isEqualTo(1);
    assertThat(inquiries("recent", "invalid")).isEqualTo(1);
  }

  @Test
  void missingRequestId_endsTheConnection_asNoAnswerCouldBeMatched() {
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("", "r-1"));
    Error error = answer(ch).getError();
    assertThat(error.getCode()).isEqualTo(Error.Code.CODE_INVALID_REQUEST);
    assertThat(error.getRequestId()).isEmpty();
    assertThat(error.getMessage()).startsWith("request_id:");
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void ledgerDown_answersUnavailable_andTheSessionStaysOpen() {
    ledger.down = new IllegalStateException("UNAVAILABLE: connection refused");
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    Error error = answer(ch).getError();
    assertThat(error.getCode()).isEqualTo(Error.Code.CODE_UNAVAILABLE);
    assertThat(error.getRequestId()).isEqualTo("q1");
    assertThat(ch.isActive()).isTrue();
    assertThat(fx.inquiries.inFlight()).isZero();
    assertThat(inquiries("status", "unavailable")).isEqualTo(1);
  }

  @Test
  void noLedgerConfigured_answersUnavailable() {
    fx.inquiries = inquiries(null, 100, 4);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    assertThat(answer(ch).getError().getCode()).isEqualTo(Error.Code.CODE_UNAVAILABLE);
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void inquiriesOverTheSessionBound_areUnavailableAtOnce_andAnsweredAgainOnceOneIsDone() {
    fx.inquiries = inquiries(ledger, 100, 2);
    ledger.hold = true;
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    ch.writeInbound(byResultId("q2", "r-1"));
    ch.writeInbound(byResultId("q3", "r-1"));
    Error third = answer(ch).getError();
    assertThat(third.getCode()).isEqualTo(Error.Code.CODE_UNAVAILABLE);
    assertThat(third.getRequestId()).isEqualTo("q3");
    assertThat(ledger.waiting).hasSize(2);
    assertThat(fx.inquiries.inFlight()).isEqualTo(2);

    ledger.hold = false;
    ((CompletableFuture<Optional<Delivery>>) ledger.waiting.get(0)).complete(Optional.empty());
    assertThat(answer(ch).getStatusResponse().getRequestId()).isEqualTo("q1");
    ch.writeInbound(byResultId("q4", "r-1"));
    assertThat(answer(ch).getStatusResponse().getRequestId()).isEqualTo("q4");
  }

  @Test
  void inquiriesOverTheNodeBound_areUnavailableAtOnce_whicheverSessionAsks() {
    fx.inquiries = inquiries(ledger, 1, 4);
    ledger.hold = true;
    EmbeddedChannel one = connectV2("T-1");
    EmbeddedChannel two = connectV2("T-2");
    one.writeInbound(byResultId("q1", "r-1"));
    two.writeInbound(byResultId("q2", "r-2"));
    assertThat(answer(two).getError().getCode()).isEqualTo(Error.Code.CODE_UNAVAILABLE);
    assertThat(ledger.waiting).hasSize(1);
  }

  @Test
  void ackOfAFailedResultLearntByInquiry_isClaimedDelivered() {
    PaymentResult r = result("r-1", "T-1");
    stored(r, DeliveryStatus.DELIVERY_STATUS_FAILED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-1"));
    answer(ch);
    ch.writeInbound(ack("r-1"));
    List<DeliveryClaim> claims = fx.claims.all();
    assertThat(claims).hasSize(1);
    DeliveryClaim claim = claims.get(0);
    assertThat(claim.getOutcome()).isEqualTo(DeliveryClaim.Outcome.OUTCOME_DELIVERED);
    assertThat(claim.getResultId()).isEqualTo("r-1");
    assertThat(claim.getTerminalId()).isEqualTo("T-1");
    assertThat(claim.getNodeId()).isEqualTo(PosFixture.NODE_ID);
    assertThat(claim.getSessionId()).isEqualTo(fx.registry.get("T-1").sessionId());
    assertThat(claim.getAttempt()).isEqualTo(1);
    assertThat(acked.contains("r-1")).as("not written again by recovery").isTrue();
    assertThat(fx.counter(InquiryMeters.INQUIRY_ACKS)).isEqualTo(1);

    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.all()).as("a repeated ack claims nothing more").hasSize(1);
  }

  @Test
  void ackOfAReversalRequiredOrDeliveredResult_isNeverADelivery() {
    stored(result("r-rev", "T-1"), DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
    stored(result("r-done", "T-1"), DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(byResultId("q1", "r-rev"));
    answer(ch);
    ch.writeInbound(byResultId("q2", "r-done"));
    answer(ch);
    ch.writeInbound(ack("r-rev"));
    ch.writeInbound(ack("r-done"));
    assertThat(fx.claims.all()).isEmpty();
  }

  @Test
  void ackOfAnUninquiredResult_isStillIgnored() {
    stored(result("r-1", "T-1"), DeliveryStatus.DELIVERY_STATUS_FAILED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.all()).isEmpty();
  }

  @Test
  void recent_listsTheTerminalsNewestFirst_andItsUndeliveredOnesBecomeAckable() {
    for (int i = 1; i <= 4; i++) {
      PaymentResult r = result("r-" + i, "T-1").toBuilder()
          .setReceivedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1000 + i)).build();
      stored(r, i == 3 ? DeliveryStatus.DELIVERY_STATUS_FAILED
          : DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    }
    stored(result("r-x", "T-2"), DeliveryStatus.DELIVERY_STATUS_FAILED);
    EmbeddedChannel ch = connectV2("T-1");
    ch.writeInbound(PosFrame.newBuilder().setRecentRequest(RecentRequest.newBuilder()
        .setRequestId("q1").setLimit(3)).build());
    var recent = answer(ch).getRecentResponse();
    assertThat(recent.getRequestId()).isEqualTo("q1");
    assertThat(recent.getResultsList()).extracting(s -> s.getPaymentResult().getResultId())
        .containsExactly("r-4", "r-3", "r-2");
    assertThat(recent.getResultsList()).allSatisfy(s -> {
      assertThat(s.getFound()).isTrue();
      assertThat(s.getRequestId()).isEmpty();
    });
    assertThat(ledger.asked).containsExactly("list T-1 3");
    ch.writeInbound(ack("r-3"));
    assertThat(fx.claims.all()).extracting(DeliveryClaim::getResultId).containsExactly("r-3");
    assertThat(inquiries("recent", "found")).isEqualTo(1);
  }
}
