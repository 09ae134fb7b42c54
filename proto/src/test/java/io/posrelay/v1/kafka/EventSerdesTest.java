package io.posrelay.v1.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class EventSerdesTest {

  @Test
  void paymentResult_roundTripsEveryField() {
    PaymentResult result =
        PaymentResult.newBuilder()
            .setResultId("r-1")
            .setTransactionId("tx-1")
            .setTerminalId("T1")
            .setMerchantId("M1")
            .setOrderId("O1")
            .setResultCode("0000")
            .setResultMessage("approved")
            .setAmount(15_000)
            .setCurrency("KRW")
            .setApprovalNumber("123456")
            .setCardNumberMasked("123456******1234")
            .setInstallmentMonths(3)
            .setApprovedAt(Timestamp.newBuilder().setSeconds(1_700_000_000))
            .setReceivedAt(Timestamp.newBuilder().setSeconds(1_700_000_001).setNanos(5))
            .setAttempt(1)
            .build();
    Serde<PaymentResult> serde = EventSerdes.paymentResult();

    byte[] bytes = serde.serializer().serialize(Topics.RESULTS, result);

    assertThat(serde.deserializer().deserialize(Topics.RESULTS, bytes)).isEqualTo(result);
  }

  @Test
  void claim_roundTrips() {
    DeliveryClaim claim =
        DeliveryClaim.newBuilder()
            .setResultId("r-1")
            .setTerminalId("T1")
            .setNodeId("relay-1")
            .setSessionId("s-1")
            .setOutcome(DeliveryClaim.Outcome.OUTCOME_FAILED)
            .setFailureReason(FailureReason.FAILURE_REASON_ACK_TIMEOUT)
            .build();
    Serde<DeliveryClaim> serde = EventSerdes.deliveryClaim();

    assertThat(serde.deserializer().deserialize(Topics.CLAIMS,
        serde.serializer().serialize(Topics.CLAIMS, claim))).isEqualTo(claim);
  }

  @Test
  void tombstone_isNullBothWays() {
    Serde<PaymentResult> serde = EventSerdes.paymentResult();

    assertThat(serde.serializer().serialize(Topics.RESULTS, null)).isNull();
    assertThat(serde.deserializer().deserialize(Topics.RESULTS, null)).isNull();
  }

  @Test
  void garbage_isSerializationExceptionNamingTheTopic() {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};

    assertThatThrownBy(
            () -> EventSerdes.paymentResult().deserializer().deserialize(Topics.RESULTS, garbage))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(Topics.RESULTS);
  }

  @Test
  void deliveryEvent_roundTrips() {
    DeliveryEvent event = DeliveryEvent.newBuilder()
        .setResultId("r-1")
        .setTerminalId("T1")
        .setFrom(DeliveryStatus.DELIVERY_STATUS_PENDING)
        .setTo(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setReason(FailureReason.FAILURE_REASON_UNCLAIMED)
        .setAttempt(1)
        .build();
    Serde<DeliveryEvent> serde = EventSerdes.deliveryEvent();

    assertThat(serde.deserializer().deserialize(Topics.DELIVERY_EVENTS,
        serde.serializer().serialize(Topics.DELIVERY_EVENTS, event))).isEqualTo(event);
  }

  @Test
  void newTopics_includeDeliveryEvents_withTheSamePartitions() {
    assertThat(Topics.newTopics(3, (short) 1, 1))
        .filteredOn(t -> t.name().equals(Topics.DELIVERY_EVENTS))
        .singleElement()
        .satisfies(t -> assertThat(t.numPartitions()).isEqualTo(3));
  }

  @Test
  void newTopics_includeTheReceiptsDeadLetterTopic_withTheSamePartitions() {
    assertThat(Topics.newTopics(3, (short) 1, 1))
        .filteredOn(t -> t.name().equals(Topics.RECEIPTS_DLQ))
        .singleElement()
        .satisfies(t -> assertThat(t.numPartitions()).isEqualTo(3));
  }

  @Test
  void newTopics_rejectsMinInsyncAboveReplication() {
    assertThatThrownBy(() -> Topics.newTopics(3, (short) 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("min-insync-replicas");
  }
}
