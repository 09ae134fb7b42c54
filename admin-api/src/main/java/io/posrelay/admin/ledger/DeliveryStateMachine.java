package io.posrelay.admin.ledger;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Conflict;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
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
 *
 * PENDING, DELIVERING, FAILED (an approval) ──reversal deadline──▶ REVERSAL_REQUIRED (final)
 * REVERSAL_REQUIRED ──DELIVERED claim──▶ REVERSAL_REQUIRED + conflict (first one: an event)
 * REVERSAL_REQUIRED ──retention + grace──▶ deleted
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
 *   <li>An approval ({@link ReversalPolicy}) has a reversal due time ({@code reversal_due_at_ms},
 *       received_at + its merchant's reversal deadline); while it is PENDING, DELIVERING or
 *       FAILED its {@code due_at_ms} is the earlier of that and its status's due time (FAILED:
 *       always the reversal's, so an approval never expires undecided), and the one due index
 *       serves both. When the reversal due time comes first it becomes
 *       REVERSAL_REQUIRED: final, never delivered as an approval again, never reset by a retry
 *       or a claim. A DELIVERED claim after it is a conflict: recorded on the delivery (the first
 *       one), with one event from = to = REVERSAL_REQUIRED; CLAIMED and FAILED claims change
 *       nothing.
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
  private final ReversalPolicy reversal;

  /** @param settings the deadlines and the reversal policy ({@link LedgerSettings}) */
  DeliveryStateMachine(LedgerSettings settings) {
    this.claimDeadlineMs = settings.claimDeadline().toMillis();
    this.ackBackstopMs = settings.ackTimeout().plus(settings.claimDeadline()).toMillis();
    this.retentionMs = settings.retention().toMillis();
    this.graceMs = settings.grace().toMillis();
    this.reversal = settings.reversal();
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
    record.setReversalDueAtMs(reversal.dueAtMs(result, millis(receivedAt)));
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
      record.setDueAtMs(dueAt(record, DeliveryStatus.DELIVERY_STATUS_PENDING, nowMs));
    } else {
      // DELIVERING, DELIVERED, EXPIRED, REVERSAL_REQUIRED: nothing changes
      return new Change(current, List.of());
    }
    return new Change(record.build(), events);
  }

  /** A relay node's claim about a result the ledger holds. */
  Change onClaim(LedgerRecord current, DeliveryClaim claim, long nowMs) {
    LedgerRecord.Builder record = current.toBuilder();
    Delivery.Builder d = record.getDeliveryBuilder();
    countIfDuplicate(record, claim, nowMs);
    List<DeliveryEvent> events = new ArrayList<>(1);
    if (d.getStatus() == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED) {
      if (claim.getOutcome() == DeliveryClaim.Outcome.OUTCOME_DELIVERED && !d.hasConflict()) {
        recordConflict(record, claim, nowMs, events);
      }
      return new Change(record.build(), events); // final: never folded into DELIVERED
    }
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
   * The record's due time has come: an approval whose reversal due time it is →
   * REVERSAL_REQUIRED; otherwise PENDING → FAILED(UNCLAIMED), DELIVERING → FAILED(ACK_TIMEOUT),
   * FAILED/DELIVERED → EXPIRED, EXPIRED and REVERSAL_REQUIRED → deleted ({@code record} null).
   */
  Change onDue(LedgerRecord current, long nowMs) {
    LedgerRecord.Builder record = current.toBuilder();
    Delivery.Builder d = record.getDeliveryBuilder();
    List<DeliveryEvent> events = new ArrayList<>(1);
    Timestamp now = timestamp(nowMs);
    if (reversalCandidate(d.getStatus()) && current.getReversalDueAtMs() > 0
        && current.getDueAtMs() >= current.getReversalDueAtMs()) {
      // The due time is the reversal's (the earlier of the two): not delivered in time.
      FailureReason why = d.getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED
          ? d.getFailureReason() : FailureReason.FAILURE_REASON_UNSPECIFIED;
      d.setReversalRequiredAt(now);
      transition(record, DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED, why, "", "", now,
          nowMs, events);
      return new Change(record.build(), events);
    }
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
        // EXPIRED past its grace period, REVERSAL_REQUIRED past retention and grace: purged
        return new Change(null, events);
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
    record.setDueAtMs(dueAt(record, to, nowMs));
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
    DeliveryEvent.Builder event = DeliveryEvent.newBuilder()
        .setResultId(d.getResultId())
        .setTerminalId(d.getTerminalId())
        .setFrom(from)
        .setTo(to)
        .setReason(reason)
        .setNodeId(nodeId)
        .setSessionId(sessionId)
        .setAt(at)
        .setAttempt(attempt);
    if (to == DeliveryStatus.DELIVERY_STATUS_DELIVERED
        || to == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED) {
      event.setPaymentResult(d.getPaymentResult()); // what a receipt to ILK needs
    }
    events.add(event.build());
  }

  /** The first ack after the reversal decision: recorded, with one event; status unchanged. */
  private static void recordConflict(
      LedgerRecord.Builder record, DeliveryClaim claim, long nowMs, List<DeliveryEvent> events) {
    Delivery.Builder d = record.getDeliveryBuilder();
    Timestamp ackedAt = claim.hasAt() ? claim.getAt() : timestamp(nowMs);
    d.setConflict(Conflict.newBuilder()
            .setNodeId(claim.getNodeId())
            .setSessionId(claim.getSessionId())
            .setAckedAt(ackedAt)
            .setRecordedAt(timestamp(nowMs)))
        .setUpdatedAt(timestamp(nowMs));
    events.add(DeliveryEvent.newBuilder()
        .setResultId(d.getResultId())
        .setTerminalId(d.getTerminalId())
        .setFrom(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setTo(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setNodeId(claim.getNodeId())
        .setSessionId(claim.getSessionId())
        .setAt(ackedAt)
        .setAttempt(d.getAttempt())
        .setConflict(true)
        .setPaymentResult(d.getPaymentResult())
        .build());
  }

  /** Whether a record in {@code status} may still get its reversal decision. */
  private static boolean reversalCandidate(DeliveryStatus status) {
    return status == DeliveryStatus.DELIVERY_STATUS_PENDING
        || status == DeliveryStatus.DELIVERY_STATUS_DELIVERING
        || status == DeliveryStatus.DELIVERY_STATUS_FAILED;
  }

  /**
   * The due time of a record entering {@code status} at {@code nowMs}: its status's; for a
   * candidate, its reversal due time if that is earlier, and always when FAILED (a FAILED
   * approval never expires before its decision, whatever the retention).
   */
  private long dueAt(LedgerRecord.Builder record, DeliveryStatus status, long nowMs) {
    long due = nowMs + dueAfterMs(status);
    long reversalDue = record.getReversalDueAtMs();
    if (!reversalCandidate(status) || reversalDue <= 0) {
      return due;
    }
    return status == DeliveryStatus.DELIVERY_STATUS_FAILED
        ? reversalDue : Math.min(due, reversalDue);
  }

  private long dueAfterMs(DeliveryStatus status) {
    return switch (status) {
      case DELIVERY_STATUS_PENDING -> claimDeadlineMs;
      case DELIVERY_STATUS_DELIVERING -> ackBackstopMs;
      case DELIVERY_STATUS_EXPIRED -> graceMs;
      case DELIVERY_STATUS_REVERSAL_REQUIRED -> retentionMs + graceMs;
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
