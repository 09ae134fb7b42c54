package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.failed;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_EXPIRED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_CLAIMED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_DELIVERED;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reversal decision and conflicts, through the ledger topology (TopologyTestDriver, mocked
 * wall clock): an approval not DELIVERED by received_at + its merchant's reversal deadline becomes
 * REVERSAL_REQUIRED for good; a later ack is a conflict.
 */
class LedgerReversalTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TICK = LedgerTopology.PUNCTUATE_INTERVAL;
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ReversalPolicy POLICY =
      new ReversalPolicy(Set.of("0000"), DEADLINE, Map.of("M2", Duration.ofSeconds(20)));

  @TempDir Path stateDir;
  private LedgerDriver ledger;

  @BeforeEach
  void setUp() {
    ledger = new LedgerDriver(stateDir, T0, POLICY);
  }

  @AfterEach
  void tearDown() {
    ledger.close();
  }

  @Test
  void unclaimedApproval_isFailedThenReversalRequiredAtItsDeadline_withOneEvent() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK.multipliedBy(2)));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

    advanceTo(T0.plus(DEADLINE).minus(TICK));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    advanceTo(T0.plus(DEADLINE).plus(TICK.multipliedBy(2)));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(d.hasReversalRequiredAt()).isTrue();
    assertThat(millis(d.getReversalRequiredAt())).isBetween(T0.plus(DEADLINE).toEpochMilli(),
        ledger.now().toEpochMilli());
    assertThat(d.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
    List<DeliveryEvent> events = ledger.events();
    assertThat(transitions(events)).containsExactly(
        "UNSPECIFIED>PENDING", "PENDING>FAILED", "FAILED>REVERSAL_REQUIRED");
    DeliveryEvent decision = events.get(2);
    assertThat(decision.getPaymentResult()).isEqualTo(d.getPaymentResult());
    assertThat(decision.getConflict()).isFalse();
    assertThat(events.get(1).hasPaymentResult()).isFalse();

    ledger.advance(Duration.ofMinutes(10));
    assertThat(ledger.events()).isEmpty(); // final: nothing more happens before the purge
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).reversalsRequired())
        .isEqualTo(1);
  }

  @Test
  void declinedResult_isNeverACandidate_andEndsFailedThenExpired() {
    ledger.result(result("a", "T1", T0).toBuilder().setResultCode("5100").build());
    advanceTo(T0.plus(DEADLINE).plusSeconds(5));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

    ledger.advance(LedgerDriver.RETENTION);
    ledger.advance(TICK);

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);
    assertThat(transitions(ledger.events()))
        .containsExactly("UNSPECIFIED>PENDING", "PENDING>FAILED", "FAILED>EXPIRED");
  }

  @Test
  void approvalDeliveredBeforeItsDeadline_staysDelivered_andItsEventCarriesThePayment() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));
    advanceTo(T0.plus(DEADLINE).plusSeconds(5));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    List<DeliveryEvent> events = ledger.events();
    assertThat(transitions(events))
        .containsExactly("UNSPECIFIED>PENDING", "PENDING>DELIVERING", "DELIVERING>DELIVERED");
    assertThat(events.get(2).getPaymentResult().getResultId()).isEqualTo("a");
  }

  @Test
  void approvalRedeliveredBeforeItsDeadline_isDelivered() {
    ledger.result(result("a", "T1", T0));
    advanceTo(T0.plusSeconds(30));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED)); // recovery on Hello
    advanceTo(T0.plus(DEADLINE).plusSeconds(5));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
  }

  @Test
  void inFlightAtTheDeadline_isReversalRequired_andTheLateAckIsOneConflict() {
    ledger.result(result("a", "T1", T0));
    advanceTo(T0.plus(DEADLINE).minusSeconds(2));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED)); // written just before it
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    advanceTo(T0.plus(DEADLINE).plus(TICK.multipliedBy(2)));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    ledger.events();

    Timestamp ackedAt = Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + 61).build();
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED).toBuilder().setAt(ackedAt)
        .build());

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(d.hasDeliveredAt()).isFalse();
    assertThat(d.getConflict().getNodeId()).isEqualTo("relay-1");
    assertThat(d.getConflict().getSessionId()).isEqualTo("s1");
    assertThat(d.getConflict().getAckedAt()).isEqualTo(ackedAt);
    assertThat(d.getConflict().hasRecordedAt()).isTrue();
    List<DeliveryEvent> events = ledger.events();
    assertThat(events).hasSize(1);
    DeliveryEvent conflict = events.get(0);
    assertThat(conflict.getFrom()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(conflict.getTo()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(conflict.getConflict()).isTrue();
    assertThat(conflict.getPaymentResult().getResultId()).isEqualTo("a");
    assertThat(conflict.getNodeId()).isEqualTo("relay-1");
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).conflicts()).isEqualTo(1);

    // Only the first conflict is recorded and emitted; CLAIMED/FAILED change nothing.
    ledger.claim(claim("a", "relay-2", "s9", OUTCOME_DELIVERED));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.claim(failed("a", "relay-1", "s1", FailureReason.FAILURE_REASON_ACK_TIMEOUT));
    assertThat(ledger.events()).isEmpty();
    Delivery after = ledger.get("a");
    assertThat(after.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(after.getConflict()).isEqualTo(d.getConflict());
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).conflicts()).isEqualTo(1);
  }

  @Test
  void failedApproval_neverExpiresBeforeItsDecision_evenWhenTheDeadlineOutlastsRetention() {
    Duration longDeadline = LedgerDriver.RETENTION.plusHours(1);
    try (LedgerDriver custom = new LedgerDriver(stateDir.resolve("long"), T0,
        new ReversalPolicy(Set.of("0000"), longDeadline, Map.of()))) {
      custom.result(result("a", "T1", T0));
      custom.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK.multipliedBy(2)));
      custom.advance(LedgerDriver.RETENTION);
      custom.advance(TICK);
      assertThat(custom.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

      custom.advance(Duration.ofHours(1));
      custom.advance(TICK);

      assertThat(custom.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
      assertThat(transitions(custom.events())).containsExactly(
          "UNSPECIFIED>PENDING", "PENDING>FAILED", "FAILED>REVERSAL_REQUIRED");
    }
  }

  @Test
  void merchantOverride_isItsDeadline() {
    ledger.result(result("m2", "T1", T0).toBuilder().setMerchantId("M2").build());
    ledger.result(result("m1", "T2", T0));
    advanceTo(T0.plusSeconds(20).plus(TICK.multipliedBy(2)));

    assertThat(ledger.get("m2").getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(ledger.get("m1").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
  }

  @Test
  void reversalRequired_isNeverListedAsUndelivered_butIsListedByItsStatus() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T1", T0.plusSeconds(50)).toBuilder().setResultCode("5100").build());
    advanceTo(T0.plus(DEADLINE).plus(TICK.multipliedBy(2)));
    LedgerQuery undelivered = new LedgerQuery(
        Set.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED), "T1", "", Long.MIN_VALUE,
        Long.MAX_VALUE); // what a relay's recovery asks

    assertThat(ledger.queries.list(undelivered, 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly("b");
    assertThat(ledger.queries.list(new LedgerQuery(Set.of(DELIVERY_STATUS_REVERSAL_REQUIRED),
        "", "", Long.MIN_VALUE, Long.MAX_VALUE), 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly("a");
    assertThat(ledger.queries.list(LedgerQuery.all(), 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly("b", "a");
  }

  @Test
  void ilkRetryOrRetryPublication_neverResetsTheDecision() {
    PaymentResult a = result("a", "T1", T0);
    ledger.result(a);
    advanceTo(T0.plus(DEADLINE).plus(TICK.multipliedBy(2)));
    ledger.events();

    ledger.result(a);
    ledger.result(a.toBuilder().setAttempt(2).build());

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(ledger.get("a").getAttempt()).isEqualTo(1);
    assertThat(ledger.events()).isEmpty();
  }

  @Test
  void reversalDecision_waitsWhileABacklogOfOlderRecordsIsProcessed() {
    ledger.result(result("a", "T1", T0), T0);
    // A restart with a backlog: records produced before the deadline arrive after it on the
    // wall clock, among them the ack; the decision waits for them, as the claim deadline does.
    int ticks = (int) (DEADLINE.plusSeconds(5).toMillis() / TICK.toMillis());
    for (int i = 0; i < ticks; i++) {
      ledger.advance(TICK);
      ledger.result(result("other" + i, "T2", T0).toBuilder().setResultCode("5100").build(),
          T0.plusMillis(i));
    }
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED), T0.plusSeconds(1));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(ledger.events()).extracting(DeliveryEvent::getTo)
        .doesNotContain(DELIVERY_STATUS_REVERSAL_REQUIRED);
  }

  @Test
  void reversalRequired_isPurgedAfterRetentionAndGrace_withoutAnEvent() {
    ledger.result(result("a", "T1", T0));
    advanceTo(T0.plus(DEADLINE).plus(TICK.multipliedBy(2)));
    ledger.events();

    ledger.advance(LedgerDriver.RETENTION);
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    ledger.advance(LedgerDriver.GRACE.plus(TICK));

    assertThat(ledger.queries.get("a")).isEmpty();
    assertThat(ledger.events()).isEmpty();
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).byStatus()).isEmpty();
  }

  @Test
  void listingByTransactionOrOrderId_findsTheResult() {
    String tx = "ILK-TX-0001";
    String id = IlkResultIds.resultIdOf(tx);
    ledger.result(result(id, "T1", T0).toBuilder().setTransactionId(tx).setOrderId("ORD-7")
        .build());
    ledger.result(result("other", "T1", T0.plusSeconds(1)));

    assertThat(ledger.queries.list(query(tx, ""), 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly(id);
    assertThat(ledger.queries.list(query("", "ORD-7"), 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly(id);
    assertThat(ledger.queries.list(query("ILK-TX-unknown", ""), 10, null).deliveries()).isEmpty();
  }

  private static LedgerQuery query(String transactionId, String orderId) {
    return new LedgerQuery(Set.of(), "", "", Long.MIN_VALUE, Long.MAX_VALUE, transactionId,
        orderId);
  }

  /** Moves the wall clock to {@code at} in punctuation-sized steps. */
  private void advanceTo(Instant at) {
    while (ledger.now().isBefore(at)) {
      ledger.advance(TICK);
    }
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  private static List<String> transitions(List<DeliveryEvent> events) {
    return events.stream().map(e -> name(e.getFrom()) + ">" + name(e.getTo())).toList();
  }

  private static String name(DeliveryStatus status) {
    return status.name().substring("DELIVERY_STATUS_".length());
  }
}
