package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.v1.Conflict;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {
  private static Delivery delivery(String id, DeliveryStatus status, FailureReason reason) {
    return Delivery.newBuilder().setResultId(id).setStatus(status).setFailureReason(reason).build();
  }

  private static Histogram latencies(long... micros) {
    Histogram histogram = new Histogram(60_000_000L, 3);
    for (long value : micros) {
      histogram.recordValue(value);
    }
    return histogram;
  }

  @Test
  void everyResultAccountedFor_passesWithNothingLost() {
    Map<String, Delivery> ledger =
        Map.of(
            "a", delivery("a", DeliveryStatus.DELIVERY_STATUS_DELIVERED,
                FailureReason.FAILURE_REASON_UNSPECIFIED),
            "b", delivery("b", DeliveryStatus.DELIVERY_STATUS_DELIVERED,
                FailureReason.FAILURE_REASON_UNSPECIFIED),
            "c", delivery("c", DeliveryStatus.DELIVERY_STATUS_FAILED,
                FailureReason.FAILURE_REASON_UNCLAIMED),
            "old", delivery("old", DeliveryStatus.DELIVERY_STATUS_PENDING,
                FailureReason.FAILURE_REASON_UNSPECIFIED));

    DemoSummary summary =
        DemoSummary.of(List.of("a", "b", "c"), ledger, 0, latencies(10_000, 20_000));

    assertThat(summary.published()).isEqualTo(3);
    assertThat(summary.delivered()).isEqualTo(2);
    assertThat(summary.failedUnclaimed()).isEqualTo(1);
    assertThat(summary.failedOther()).isZero();
    assertThat(summary.lost()).isZero();
    assertThat(summary.passed()).isTrue();
    assertThat(summary.latencyP50Millis()).isBetween(9.9, 10.1);
    assertThat(summary.table()).contains("lost", "PASS");
  }

  @Test
  void missingOrPendingResult_isLost_andFails() {
    Map<String, Delivery> ledger =
        Map.of("a", delivery("a", DeliveryStatus.DELIVERY_STATUS_DELIVERING,
            FailureReason.FAILURE_REASON_UNSPECIFIED));

    DemoSummary summary = DemoSummary.of(List.of("a", "b"), ledger, 0, latencies());

    assertThat(summary.lost()).isEqualTo(2);
    assertThat(summary.passed()).isFalse();
    assertThat(summary.table()).contains("FAIL");
  }

  @Test
  void otherFailure_isNotLost_butFails() {
    Map<String, Delivery> ledger =
        Map.of(
            "a", delivery("a", DeliveryStatus.DELIVERY_STATUS_FAILED,
                FailureReason.FAILURE_REASON_ACK_TIMEOUT),
            "b", delivery("b", DeliveryStatus.DELIVERY_STATUS_DELIVERED,
                FailureReason.FAILURE_REASON_UNSPECIFIED));

    DemoSummary summary = DemoSummary.of(List.of("a", "b"), ledger, 0, latencies(1));

    assertThat(summary.failedOther()).isEqualTo(1);
    assertThat(summary.lost()).isZero();
    assertThat(summary.passed()).isFalse();
  }

  @Test
  void reversalOfAnUnclaimedApproval_isAccountedFor_andPasses_butAnyOtherReversalFails() {
    Map<String, Delivery> ledger =
        Map.of(
            "a", delivery("a", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED,
                FailureReason.FAILURE_REASON_UNCLAIMED),
            "b", delivery("b", DeliveryStatus.DELIVERY_STATUS_DELIVERED,
                FailureReason.FAILURE_REASON_UNSPECIFIED));

    DemoSummary summary = DemoSummary.of(List.of("a", "b"), ledger, 0, latencies(1));

    assertThat(summary.reversalRequired()).isEqualTo(1);
    assertThat(summary.lost()).isZero();
    assertThat(summary.passed()).isTrue();
    assertThat(summary.table()).contains("reversal required      1");

    DemoSummary held = DemoSummary.of(List.of("c"), Map.of("c", delivery("c",
        DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED,
        FailureReason.FAILURE_REASON_UNSPECIFIED)), 0, latencies(1));
    assertThat(held.failedOther()).isEqualTo(1);
    assertThat(held.passed()).isFalse();
  }

  @Test
  void reversalAckedAfterTheDecision_isNotNeverDelivered_andFails() {
    Delivery conflicted = delivery("a", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED,
        FailureReason.FAILURE_REASON_UNCLAIMED).toBuilder()
        .setConflict(Conflict.newBuilder().setNodeId("relay-1")).build();

    DemoSummary summary = DemoSummary.of(List.of("a"), Map.of("a", conflicted), 0, latencies(1));

    assertThat(summary.reversalRequired()).isZero();
    assertThat(summary.failedOther()).isEqualTo(1);
    assertThat(summary.passed()).isFalse();
  }

  @Test
  void duplicates_addTerminalReceptionsAndLedgerClaims() {
    Delivery twiceClaimed =
        delivery("a", DeliveryStatus.DELIVERY_STATUS_DELIVERED,
            FailureReason.FAILURE_REASON_UNSPECIFIED).toBuilder().setDuplicateClaims(2).build();

    DemoSummary summary = DemoSummary.of(List.of("a"), Map.of("a", twiceClaimed), 3, latencies(1));

    assertThat(summary.duplicates()).isEqualTo(5);
    assertThat(summary.passed()).isTrue();
  }
}
