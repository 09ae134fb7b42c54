package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.failed;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_CLAIMED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_DELIVERED;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_ACK_TIMEOUT;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_CONNECTION_LOST;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_UNCLAIMED;
import static io.posrelay.v1.FailureReason.FAILURE_REASON_UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final TestEvents.MutableClock clock = new TestEvents.MutableClock(T0);
  private SimpleMeterRegistry registry;
  private DeliveryLedger ledger;

  @BeforeEach
  void setUp() {
    registry = new SimpleMeterRegistry();
    ledger = newLedger(1000);
  }

  private DeliveryLedger newLedger(int maxRecords) {
    return new DeliveryLedger(
        clock, Duration.ofSeconds(3), Duration.ofSeconds(5), maxRecords, registry);
  }

  private Delivery delivery(String resultId) {
    return ledger.get(resultId).orElseThrow();
  }

  @Test
  void newResult_isPending() {
    ledger.onResult(result("r1", "T1", T0));

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(d.getTerminalId()).isEqualTo("T1");
    assertThat(d.getMerchantId()).isEqualTo("M1");
    assertThat(d.getPaymentResult().getResultId()).isEqualTo("r1");
    assertThat(d.hasClaimedAt()).isFalse();
    assertThat(registry.get(LedgerMeters.RESULTS).counter().count()).isEqualTo(1);
  }

  @Test
  void claimedResult_isDeliveringWithItsNodeAndSession() {
    ledger.onResult(result("r1", "T1", T0));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(d.getNodeId()).isEqualTo("relay-1");
    assertThat(d.getSessionId()).isEqualTo("s1");
    assertThat(d.hasClaimedAt()).isTrue();
    assertThat(registry.get(LedgerMeters.CLAIMS).tag("outcome", "claimed").counter().count())
        .isEqualTo(1);
  }

  @Test
  void ackedResult_isDelivered() {
    ledger.onResult(result("r1", "T1", T0));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_DELIVERED));

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.hasDeliveredAt()).isTrue();
    assertThat(d.getDuplicateClaims()).isZero();
  }

  @Test
  void unclaimedResult_isFailedAfterDeadline() {
    ledger.onResult(result("r1", "T1", T0));

    clock.advance(Duration.ofMillis(2999));
    assertThat(ledger.expireDue()).isZero();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    clock.advance(Duration.ofMillis(1));
    assertThat(ledger.expireDue()).isEqualTo(1);
    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(d.getFailureReason()).isEqualTo(FAILURE_REASON_UNCLAIMED);
    assertThat(d.hasFailedAt()).isTrue();
    assertThat(registry.get(LedgerMeters.FAILURES).tag("reason", "unclaimed").counter().count())
        .isEqualTo(1);
  }

  @Test
  void claimDeadline_isMeasuredFromWhenTheLedgerSawTheResult() {
    ledger.onResult(result("r1", "T1", T0.minus(Duration.ofHours(1))));

    assertThat(ledger.expireDue()).isZero();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
  }

  @Test
  void failedClaim_isFailedWithTheClaimsReason() {
    ledger.onResult(result("r1", "T1", T0));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.onClaim(failed("r1", "relay-1", "s1", FAILURE_REASON_CONNECTION_LOST));

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(d.getFailureReason()).isEqualTo(FAILURE_REASON_CONNECTION_LOST);
    assertThat(
            registry.get(LedgerMeters.FAILURES).tag("reason", "connection_lost").counter().count())
        .isEqualTo(1);
  }

  @Test
  void deliveringWithoutOutcome_isFailedAckTimeoutAfterAckTimeoutPlusClaimDeadline() {
    ledger.onResult(result("r1", "T1", T0));
    clock.advance(Duration.ofSeconds(1));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));

    clock.advance(Duration.ofMillis(7999));
    ledger.expireDue();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);

    clock.advance(Duration.ofMillis(1));
    ledger.expireDue();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(delivery("r1").getFailureReason()).isEqualTo(FAILURE_REASON_ACK_TIMEOUT);
  }

  @Test
  void claimBeforeResult_isAppliedWhenTheResultArrives() {
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_DELIVERED));
    assertThat(ledger.get("r1")).isEmpty();
    assertThat(ledger.earlyClaims()).isEqualTo(2);

    ledger.onResult(result("r1", "T1", T0));

    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(delivery("r1").getNodeId()).isEqualTo("relay-1");
    assertThat(ledger.earlyClaims()).isZero();
  }

  @Test
  void earlyClaimWhoseResultNeverComes_isDroppedAfterItsMaximumAge() {
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));

    clock.advance(Duration.ofMinutes(11));
    ledger.expireDue();

    assertThat(ledger.earlyClaims()).isZero();
    assertThat(registry.get(LedgerMeters.EARLY_CLAIMS_DROPPED).counter().count()).isEqualTo(1);
  }

  @Test
  void claimFromAnotherNode_isCountedAsDuplicate_evenAfterDelivered() {
    ledger.onResult(result("r1", "T1", T0));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_DELIVERED));

    ledger.onClaim(claim("r1", "relay-2", "s2", OUTCOME_CLAIMED));
    ledger.onClaim(claim("r1", "relay-2", "s2", OUTCOME_DELIVERED));

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.getNodeId()).isEqualTo("relay-1");
    assertThat(d.getDuplicateClaims()).isEqualTo(1);
    assertThat(registry.get(LedgerMeters.DUPLICATE_CLAIMS).counter().count()).isEqualTo(1);

    ledger.onClaim(claim("r1", "relay-3", "s3", OUTCOME_CLAIMED));
    assertThat(delivery("r1").getDuplicateClaims()).isEqualTo(2);
  }

  @Test
  void failedThenRedelivered_isDelivered() {
    ledger.onResult(result("r1", "T1", T0));
    clock.advance(Duration.ofSeconds(3));
    ledger.expireDue();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

    ledger.onClaim(claim("r1", "relay-2", "s9", OUTCOME_CLAIMED));
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(delivery("r1").getFailureReason()).isEqualTo(FAILURE_REASON_UNSPECIFIED);

    ledger.onClaim(claim("r1", "relay-2", "s9", OUTCOME_DELIVERED));
    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.hasFailedAt()).isTrue();
    assertThat(d.getNodeId()).isEqualTo("relay-2");
  }

  @Test
  void ilkRetryOfDeliveredResult_doesNotResetIt() {
    PaymentResult original = result("r1", "T1", T0);
    ledger.onResult(original);
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_DELIVERED));

    clock.advance(Duration.ofMinutes(1));
    ledger.onResult(original.toBuilder().setAttempt(2).setReceivedAt(
        LedgerEntry.timestamp(clock.instant())).build());
    clock.advance(Duration.ofMinutes(1));
    ledger.expireDue();

    Delivery d = delivery("r1");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.getReceivedAt()).isEqualTo(LedgerEntry.timestamp(T0));
    assertThat(ledger.size()).isEqualTo(1);
  }

  @Test
  void ilkRetryOfFailedResult_isPendingAgainWithANewDeadline() {
    ledger.onResult(result("r1", "T1", T0));
    clock.advance(Duration.ofSeconds(3));
    ledger.expireDue();

    ledger.onResult(result("r1", "T1", T0));
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(delivery("r1").getFailureReason()).isEqualTo(FAILURE_REASON_UNSPECIFIED);

    clock.advance(Duration.ofSeconds(3));
    ledger.expireDue();
    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
  }

  @Test
  void failedClaimOfAnOlderSession_doesNotFailTheCurrentDelivery() {
    ledger.onResult(result("r1", "T1", T0));
    ledger.onClaim(claim("r1", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.onClaim(claim("r1", "relay-2", "s2", OUTCOME_CLAIMED));

    ledger.onClaim(failed("r1", "relay-1", "s1", FAILURE_REASON_CONNECTION_LOST));

    assertThat(delivery("r1").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(delivery("r1").getNodeId()).isEqualTo("relay-2");
  }

  @Test
  void fullLedger_evictsTheOldestDeliveredFirst() {
    registry = new SimpleMeterRegistry();
    ledger = newLedger(3);
    ledger.onResult(result("old-pending", "T1", T0));
    ledger.onResult(result("delivered-1", "T1", T0.plusSeconds(1)));
    ledger.onResult(result("delivered-2", "T1", T0.plusSeconds(2)));
    ledger.onClaim(claim("delivered-1", "relay-1", "s1", OUTCOME_DELIVERED));
    ledger.onClaim(claim("delivered-2", "relay-1", "s1", OUTCOME_DELIVERED));

    ledger.onResult(result("new", "T1", T0.plusSeconds(3)));

    assertThat(ledger.size()).isEqualTo(3);
    assertThat(ledger.get("delivered-1")).isEmpty();
    assertThat(ledger.get("old-pending")).isPresent();
    assertThat(ledger.get("delivered-2")).isPresent();
    assertThat(registry.get(LedgerMeters.EVICTIONS).tag("status", "delivered").counter().count())
        .isEqualTo(1);
  }

  @Test
  void statusGaugesAndOldestPendingAge_followTheLedger() {
    ledger.onResult(result("r1", "T1", T0.minusSeconds(10)));
    ledger.onResult(result("r2", "T2", T0));
    ledger.onClaim(claim("r2", "relay-1", "s1", OUTCOME_DELIVERED));

    assertThat(registry.get(LedgerMeters.DELIVERIES).tag("status", "pending").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get(LedgerMeters.DELIVERIES).tag("status", "delivered").gauge().value())
        .isEqualTo(1);
    assertThat(registry.get(LedgerMeters.OLDEST_PENDING_AGE).gauge().value()).isEqualTo(10.0);
  }

  @Test
  void resultOrClaimWithoutResultId_isRejected() {
    assertThatThrownBy(() -> ledger.onResult(PaymentResult.newBuilder().setTerminalId("T1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("result_id");
    assertThatThrownBy(() -> ledger.onClaim(DeliveryClaim.newBuilder().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("result_id");
    assertThatThrownBy(() -> ledger.onClaim(DeliveryClaim.newBuilder().setResultId("r1").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outcome");
  }
}
