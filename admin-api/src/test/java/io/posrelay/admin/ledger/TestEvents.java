package io.posrelay.admin.ledger;

import com.google.protobuf.Timestamp;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Results, claims and a clock for ledger tests. */
public final class TestEvents {
  private TestEvents() {}

  /** A result of {@code terminalId} received at {@code receivedAt}. */
  public static PaymentResult result(String resultId, String terminalId, Instant receivedAt) {
    return PaymentResult.newBuilder()
        .setResultId(resultId)
        .setTransactionId("tx-" + resultId)
        .setTerminalId(terminalId)
        .setMerchantId("M1")
        .setResultCode("0000")
        .setAmount(1000)
        .setCurrency("KRW")
        .setCardNumberMasked("123456******7890")
        .setReceivedAt(
            Timestamp.newBuilder()
                .setSeconds(receivedAt.getEpochSecond())
                .setNanos(receivedAt.getNano()))
        .setAttempt(1)
        .build();
  }

  public static DeliveryClaim claim(
      String resultId, String nodeId, String sessionId, DeliveryClaim.Outcome outcome) {
    return DeliveryClaim.newBuilder()
        .setResultId(resultId)
        .setTerminalId("T1")
        .setNodeId(nodeId)
        .setSessionId(sessionId)
        .setOutcome(outcome)
        .setAttempt(1)
        .build();
  }

  public static DeliveryClaim failed(
      String resultId, String nodeId, String sessionId, FailureReason reason) {
    return claim(resultId, nodeId, sessionId, DeliveryClaim.Outcome.OUTCOME_FAILED).toBuilder()
        .setFailureReason(reason)
        .build();
  }

  /** A clock that moves only when told to. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
