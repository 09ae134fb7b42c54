package io.posrelay.relay.delivery;

import com.google.protobuf.Timestamp;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Instant;

/**
 * The claims a relay node makes about its deliveries, as {@link DeliveryTracker} decides them:
 * each names this node, the session, the result's attempt and the wall-clock time, and goes to
 * the {@link ClaimPublisher}, which never blocks. Called on session event loops; holds no state
 * of its own, so thread-safe as its publisher is.
 */
final class DeliveryClaims {
  private final String nodeId;
  private final ClaimPublisher publisher;
  private final Clock clock;

  /**
   * @param nodeId this node's id, written into every claim
   * @param publisher where claims go
   * @param clock wall clock for the claims' {@code at}
   */
  DeliveryClaims(String nodeId, ClaimPublisher publisher, Clock clock) {
    this.nodeId = nodeId;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** OUTCOME_CLAIMED: this node holds {@code result} and awaits the terminal's ack. */
  void claimed(PosSession session, PaymentResult result) {
    publish(session, result, DeliveryClaim.Outcome.OUTCOME_CLAIMED,
        FailureReason.FAILURE_REASON_UNSPECIFIED);
  }

  /** OUTCOME_DELIVERED: the terminal acked {@code result}. */
  void delivered(PosSession session, PaymentResult result) {
    publish(session, result, DeliveryClaim.Outcome.OUTCOME_DELIVERED,
        FailureReason.FAILURE_REASON_UNSPECIFIED);
  }

  /** OUTCOME_FAILED with {@code reason}. */
  void failed(PosSession session, PaymentResult result, FailureReason reason) {
    publish(session, result, DeliveryClaim.Outcome.OUTCOME_FAILED, reason);
  }

  private void publish(
      PosSession session,
      PaymentResult result,
      DeliveryClaim.Outcome outcome,
      FailureReason reason) {
    publisher.publish(claim(session, result.getResultId(), result.getAttempt(), outcome, reason));
  }

  private DeliveryClaim claim(
      PosSession session, String resultId, int attempt, DeliveryClaim.Outcome outcome,
      FailureReason reason) {
    Instant now = clock.instant();
    return DeliveryClaim.newBuilder()
        .setResultId(resultId)
        .setTerminalId(session.terminalId())
        .setNodeId(nodeId)
        .setSessionId(session.sessionId())
        .setOutcome(outcome)
        .setFailureReason(reason)
        .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setAttempt(attempt)
        .build();
  }
}
