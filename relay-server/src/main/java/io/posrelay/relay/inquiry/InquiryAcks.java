package io.posrelay.relay.inquiry;

import com.google.protobuf.Timestamp;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.PosSession;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import java.time.Clock;
import java.time.Instant;

/**
 * Turns the Ack of a result the terminal learnt of from an inquiry into its delivery: an
 * OUTCOME_DELIVERED claim through the same {@link ClaimPublisher} as every other ack (never
 * blocks), and the result id into the node's dedup set, so that recovery does not write it to
 * the terminal again but claims it DELIVERED again if the ledger still lists it.
 *
 * <p>Thread-safe (the publisher and the dedup set are).
 */
public final class InquiryAcks {
  private final String nodeId;
  private final ClaimPublisher claims;
  private final RecentResultIds acked;
  private final Clock clock;

  /**
   * @param nodeId this node's id, written into every claim
   * @param claims where the DELIVERED claims go: the node's claims publisher
   * @param acked the node's recently acked result ids
   * @param clock wall clock for the claim's time
   */
  public InquiryAcks(String nodeId, ClaimPublisher claims, RecentResultIds acked, Clock clock) {
    this.nodeId = nodeId;
    this.claims = claims;
    this.acked = acked;
    this.clock = clock;
  }

  /**
   * Claims {@code resultId} DELIVERED on {@code session}.
   *
   * @param session the session the Ack arrived on
   * @param resultId the acked result
   * @param attempt the result's attempt as the ledger last reported it, >= 1
   */
  void delivered(PosSession session, String resultId, int attempt) {
    acked.add(resultId);
    Instant now = clock.instant();
    claims.publish(DeliveryClaim.newBuilder()
        .setResultId(resultId)
        .setTerminalId(session.terminalId())
        .setNodeId(nodeId)
        .setSessionId(session.sessionId())
        .setOutcome(DeliveryClaim.Outcome.OUTCOME_DELIVERED)
        .setFailureReason(FailureReason.FAILURE_REASON_UNSPECIFIED)
        .setAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setAttempt(attempt)
        .build());
  }
}
