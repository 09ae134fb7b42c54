package io.posrelay.admin.ledger;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The delivery state machine of one result, as a pure function of the record and an input: no
 * Kafka, no clock (the caller passes {@code nowMs}, epoch millis on admin-api's wall clock).
 *
 * <pre>
 * PENDING ──CLAIMED──▶ DELIVERING ──DELIVERED──▶ DELIVERED (final; duplicate claims still counted)
 *    │ claim deadline      │ FAILED claim (reason) / ackTimeout + claimDeadline (ACK_TIMEOUT)
 *    ▼                     ▼
 *  FAILED(UNCLAIMED)     FAILED(reason) ──CLAIMED / DELIVERED (redelivery)──▶ DELIVERING / DELIVERED
 *
 * FAILED, DELIVERED ──retention──▶ EXPIRED ──grace──▶ deleted
 * FAILED, EXPIRED ──re-published with a higher attempt (RetryDelivery)──▶ PENDING
 * </pre>
 *
 * <ul>
 *   <li>Every record has exactly one due time ({@code due_at_ms}): the claim deadline (PENDING),
 *       the ack backstop (DELIVERING), the end of retention (FAILED, DELIVERED) or of the grace
 *       period (EXPIRED).
 *   <li>An ILK retry of the same result (same attempt) never resets DELIVERING, DELIVERED or
 *       EXPIRED; a FAILED one becomes PENDING again, since every relay node gets another chance.
 *   <li>A FAILED claim from a node/session other than the one a DELIVERING record was last claimed
 *       by is stale (an older delivery attempt) and changes nothing.
 *   <li>A claim from a node other than the first claimant is a duplicate delivery, counted once per
 *       (node, session), even after DELIVERED.
 * </ul>
 *
 * Every status change appends a {@link DeliveryStep} to the timeline (at most {@value
 * #MAX_TIMELINE} are kept: the first and the latest) and yields one {@link DeliveryEvent}.
 * Immutable and thread-safe.
 */
final class DeliveryStateMachine {
  /** The most timeline steps kept per record; the first step and the latest ones are kept. */
  static final int MAX_TIMELINE = 32;

  private final long claimDeadlineMs;
  private final long ackBackstopMs;
  private final long retentionMs;
  private final long graceMs;

  /**
   * @param claimDeadline PENDING longer than this is FAILED(UNCLAIMED)
   * @param ackTimeout the relay nodes' ack timeout; DELIVERING longer than this plus the claim
   *     deadline is FAILED(ACK_TIMEOUT)
   * @param retention FAILED or DELIVERED longer than this is EXPIRED
   * @param grace EXPIRED longer than this is deleted
   */
  DeliveryStateMachine(
      Duration claimDeadline, Duration ackTimeout, Duration retention, Duration grace) {
    this.claimDeadlineMs = claimDeadline.toMillis();
    this.ackBackstopMs = ackTimeout.plus(claimDeadline).toMillis();
    this.retentionMs = retention.toMillis();
    this.graceMs = grace.toMillis();
  }

  /** A record after an input, and the transitions the input caused, in order. */
  record Change(@Nullable LedgerRecord record, List<DeliveryEvent> events) {}

  /** A result the ledger has not seen: a PENDING record. */
  Change onNewResult(PaymentResult result, long nowMs) {
    Timestamp receivedAt = result.hasReceivedAt() ? result.getReceivedAt() : timestamp(nowMs);
    LedgerRecord.Builder record = LedgerRecord.newBuilder();
    record
        .getDeliveryBuilder()
        .setResultId(result.getResultId())
        .setTerminalId(result.getTerminalId())
        .setMerchantId(result.getMerchantId())
        .setReceivedAt(receivedAt)
        .setPaymentResult(result)
        .setAttempt(Math.max(1, result.getAttempt()));
    List<DeliveryEvent> events = new ArrayList<>(1);
    transition(record, DeliveryStatus.DELIVERY_STATUS_PENDING, FailureReason.FAILURE_REASON_UNSPECIFIED,
        "", "", timestamp(nowMs), nowMs, events);
    return new Change(record.build(), events);
  }

  /** A result with a {@code result_id} the ledger already holds: an ILK retry or a retry. */
  Change onRepublished(LedgerRecord current, PaymentResult result, long nowMs) {
    LedgerRecord.Builder record = current.toBuilder();
    Delivery.Builder d = record.getDeliveryBuilder();
    DeliveryStatus status = d.getStatus();
    boolean retry = result.getAttempt() > d.getAttempt();
    List<DeliveryEvent> events = new ArrayList<>(1);
    if (status == DeliveryStatus.DELIVERY_STATUS_FAILED
        || (retry && status == DeliveryStatus.DELIVERY_STATUS_EXPIRED)) {
      d.setPaymentResult(result).setAttempt(Math.max(d.getAttempt(), result.getAttempt()));
      transition(record, DeliveryStatus.DELIVERY_STATUS_PENDING,
          FailureReason.FAILURE_REASON_UNSPECIFIED, "", "", timestamp(nowMs), nowMs, events);
    } else if (status == DeliveryStatus.DELIVERY_STATUS_PENDING) {
      d.setPaymentResult(result).setAttempt(Math.max(d.getAttempt(), result.getAttempt()))
          .setUpdatedAt(timestamp(nowMs));
      record.setDueAtMs(nowMs + claimDeadlineMs);
    } else {
      return new Change(current, List.of()); // DELIVERING, DELIVERED, EXPIRED: nothing changes
    }
    return new Change(record.build(), events);
  }

  /** A relay node's claim about a result the ledger holds. */
  Change onClaim(LedgerRecord current, DeliveryClaim claim, long nowMs) {
    LedgerRecord.Builder record = current.toBuilder();
    Delivery.Builder d = record.getDeliveryBuilder();
    countIfDuplicate(record, claim, nowMs);
    List<DeliveryEvent> events = new ArrayList<>(1);
    if (d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED
        || d.getStatus() == DeliveryStatus.DELIVERY_STATUS_EXPIRED) {
      return new Change(record.build(), events); // final
    }
    Timestamp at = claim.hasAt() ? claim.getAt() : timestamp(nowMs);
    String node = claim.getNodeId();
    String session = claim.getSessionId();
    switch (claim.getOutcome()) {
      case OUTCOME_CLAIMED -> {
        d.setClaimedAt(at);
        transition(record, DeliveryStatus.DELIVERY_STATUS_DELIVERING,
            FailureReason.FAILURE_REASON_UNSPECIFIED, node, session, at, nowMs, events);
      }
      case OUTCOME_DELIVERED -> {
        d.setDeliveredAt(at);
        transition(record, DeliveryStatus.DELIVERY_STATUS_DELIVERED,
            FailureReason.FAILURE_REASON_UNSPECIFIED, node, session, at, nowMs, events);
      }
      case OUTCOME_FAILED -> {
        if (d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERING
            && !(d.getNodeId().equals(node) && d.getSessionId().equals(session))) {
          return new Change(record.build(), events); // an older attempt failing
        }
        FailureReason reason =
            claim.getFailureReason() == FailureReason.UNRECOGNIZED
                ? FailureReason.FAILURE_REASON_UNSPECIFIED
                : claim.getFailureReason();
        d.setFailedAt(at);
        transition(record, DeliveryStatus.DELIVERY_STATUS_FAILED, reason,
            node.isEmpty() ? d.getNodeId() : node, node.isEmpty() ? d.getSessionId() : session,
            at, nowMs, events);
      }
      default -> {
        return new Change(current, List.of()); // rejected by the caller before it gets here
      }
    }
    return new Change(record.build(), events);
  }

  /**
   * The record's due time has come: PENDING → FAILED(UNCLAIMED), DELIVERING →
   * FAILED(ACK_TIMEOUT), FAILED/DELIVERED → EXPIRED, EXPIRED → deleted ({@code record} null).
   */
  Change onDue(LedgerRecord current, long nowMs) {
    LedgerRecord.Builder record = current.toBuilder();
    Delivery.Builder d = record.getDeliveryBuilder();
    List<DeliveryEvent> events = new ArrayList<>(1);
    Timestamp now = timestamp(nowMs);
    switch (d.getStatus()) {
      case DELIVERY_STATUS_PENDING -> {
        d.setFailedAt(now);
        transition(record, DeliveryStatus.DELIVERY_STATUS_FAILED,
            FailureReason.FAILURE_REASON_UNCLAIMED, "", "", now, nowMs, events);
      }
      case DELIVERY_STATUS_DELIVERING -> {
        d.setFailedAt(now);
        transition(record, DeliveryStatus.DELIVERY_STATUS_FAILED,
            FailureReason.FAILURE_REASON_ACK_TIMEOUT, d.getNodeId(), d.getSessionId(), now, nowMs,
            events);
      }
      case DELIVERY_STATUS_FAILED, DELIVERY_STATUS_DELIVERED ->
          transition(record, DeliveryStatus.DELIVERY_STATUS_EXPIRED, d.getFailureReason(), "", "",
              now, nowMs, events);
      default -> {
        return new Change(null, events); // EXPIRED past its grace period: purged
      }
    }
    return new Change(record.build(), events);
  }

  private void transition(
      LedgerRecord.Builder record,
      DeliveryStatus to,
      FailureReason reason,
      String nodeId,
      String sessionId,
      Timestamp at,
      long nowMs,
      List<DeliveryEvent> events) {
    Delivery.Builder d = record.getDeliveryBuilder();
    DeliveryStatus from = d.getStatus();
    d.setStatus(to).setFailureReason(reason).setUpdatedAt(timestamp(nowMs));
    if (!nodeId.isEmpty()) {
      d.setNodeId(nodeId).setSessionId(sessionId);
    }
    record.setDueAtMs(nowMs + dueAfterMs(to));
    if (from == to) {
      return; // e.g. claimed again while DELIVERING: new deadline, no transition
    }
    int attempt = d.getAttempt();
    if (d.getTimelineCount() >= MAX_TIMELINE) {
      d.removeTimeline(1);
    }
    d.addTimeline(
        DeliveryStep.newBuilder()
            .setStatus(to)
            .setReason(reason)
            .setNodeId(nodeId)
            .setSessionId(sessionId)
            .setAt(at)
            .setAttempt(attempt));
    events.add(
        DeliveryEvent.newBuilder()
            .setResultId(d.getResultId())
            .setTerminalId(d.getTerminalId())
            .setFrom(from)
            .setTo(to)
            .setReason(reason)
            .setNodeId(nodeId)
            .setSessionId(sessionId)
            .setAt(at)
            .setAttempt(attempt)
            .build());
  }

  private long dueAfterMs(DeliveryStatus status) {
    return switch (status) {
      case DELIVERY_STATUS_PENDING -> claimDeadlineMs;
      case DELIVERY_STATUS_DELIVERING -> ackBackstopMs;
      case DELIVERY_STATUS_EXPIRED -> graceMs;
      default -> retentionMs;
    };
  }

  private static void countIfDuplicate(
      LedgerRecord.Builder record, DeliveryClaim claim, long nowMs) {
    String node = claim.getNodeId();
    if (node.isEmpty()) {
      return;
    }
    if (record.getFirstClaimNodeId().isEmpty()) {
      record.setFirstClaimNodeId(node);
      return;
    }
    String nodeSession = node + "/" + claim.getSessionId();
    if (record.getFirstClaimNodeId().equals(node)
        || record.getDuplicateSessionsList().contains(nodeSession)) {
      return;
    }
    record.addDuplicateSessions(nodeSession);
    Delivery.Builder d = record.getDeliveryBuilder();
    d.setDuplicateClaims(d.getDuplicateClaims() + 1).setUpdatedAt(timestamp(nowMs));
  }

  static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochMillis, 1000L))
        .setNanos((int) Math.floorMod(epochMillis, 1000L) * 1_000_000)
        .build();
  }

  static long millis(Timestamp timestamp) {
    return timestamp.getSeconds() * 1000L + timestamp.getNanos() / 1_000_000;
  }
}
