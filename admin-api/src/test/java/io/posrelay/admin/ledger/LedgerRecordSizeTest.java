package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The bytes one result costs the ledger, for sizing (docs/operations.md): a typical approval as
 * ilk-ingest publishes it, claimed and acked by one relay node.
 */
class LedgerRecordSizeTest {
  @Test
  void typicalDeliveredRecord_isUnderOneKibibyte_withItsIndexEntries() {
    long now = 1_795_000_000_000L;
    String resultId = UUID.nameUUIDFromBytes("ilk:T2026112912345678".getBytes(StandardCharsets.UTF_8))
        .toString();
    PaymentResult result = PaymentResult.newBuilder()
        .setResultId(resultId)
        .setTransactionId("T2026112912345678")
        .setTerminalId("CAT-0001234567")
        .setMerchantId("M-000123456")
        .setOrderId("ORD-20261129-000123")
        .setResultCode("0000")
        .setResultMessage("approved")
        .setAmount(15_000)
        .setCurrency("KRW")
        .setApprovalNumber("30012345")
        .setCardNumberMasked("123456******1234")
        .setInstallmentMonths(3)
        .setApprovedAt(Timestamp.newBuilder().setSeconds(now / 1000 - 1))
        .setReceivedAt(Timestamp.newBuilder().setSeconds(now / 1000).setNanos(123_000_000))
        .setAttempt(1)
        .build();
    DeliveryStateMachine machine = new DeliveryStateMachine(new LedgerSettings(
        Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofHours(24), Duration.ofHours(1),
        ReversalPolicy.defaults()));
    String session = UUID.randomUUID().toString();
    LedgerRecord record = machine.onNewResult(result, now).record();
    for (DeliveryClaim.Outcome outcome :
        new DeliveryClaim.Outcome[] {DeliveryClaim.Outcome.OUTCOME_CLAIMED,
            DeliveryClaim.Outcome.OUTCOME_DELIVERED}) {
      record = machine.onClaim(record, DeliveryClaim.newBuilder()
          .setResultId(resultId).setTerminalId("CAT-0001234567").setNodeId("relay-1")
          .setSessionId(session).setOutcome(outcome)
          .setAt(Timestamp.newBuilder().setSeconds(now / 1000).setNanos(150_000_000))
          .setAttempt(1).build(), now + 30).record();
    }

    int value = record.getSerializedSize();
    int recordsKey = resultId.length();
    int dueEntry = LedgerKeys.due(record.getDueAtMs(), resultId).length() + 1;
    int statusEntry = LedgerKeys.byStatus(record.getDelivery().getStatus(), now, resultId).length();
    int total = recordsKey + value + dueEntry + statusEntry;
    System.out.printf("ledger bytes per result: record value %d + key %d, due entry %d,"
        + " status entry %d = %d%n", value, recordsKey, dueEntry, statusEntry, total);

    assertThat(record.getDelivery().getTimelineCount()).isEqualTo(3);
    assertThat(total).isLessThan(1024);
  }
}
