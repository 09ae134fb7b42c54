package io.posrelay.relay.delivery;

import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.DeliveryMeters;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.metrics.SessionMeters;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Delivers results to the terminals connected to this node and follows each delivery to its
 * outcome: written (claim OUTCOME_CLAIMED), acked (OUTCOME_DELIVERED) or failed (OUTCOME_FAILED
 * with a reason: ack timeout, connection lost, write failed, session replaced, node shutdown).
 *
 * <p>The OUTCOME_CLAIMED claim is deferred by {@code claimDelay} after the write and sent only if
 * the delivery has no outcome by then: a terminal that acks within it (nearly all do, in
 * milliseconds) costs one claim, its outcome, instead of two. Any claim tells the ledger that this
 * node holds the result, so the delay only has to stay well inside the ledger's claim deadline
 * ({@link #claimDelayFor}); the ledger takes PENDING straight to DELIVERED or FAILED.
 *
 * <p>A result the ledger decided REVERSAL_REQUIRED ({@link ReversedResults}) is never written,
 * whichever path brings it (a repeated ILK callback on the results topic, recovery).
 *
 * <p>While a new session's recovery runs ({@link SessionRecovery}), live results for it are held
 * (bounded) so that recovered ones are written first. A result for a terminal whose outbound
 * buffer is above the high watermark is not written: it fails with WRITE_FAILED and the terminal
 * is disconnected.
 *
 * <p>Threading: {@link #dispatch} may be called from any thread and never blocks; all other
 * work on a session runs on that session's event loop, so per-session state needs no locks. Ack
 * timeouts are scheduled on the same event loop. Claims go to the {@link ClaimPublisher}, which
 * never blocks the event loop: it queues them (bounded) for its own sending thread, and a claim it
 * cannot queue is dropped and counted (see there for what the ledger then does).
 */
public final class DeliveryTracker implements ResultDispatcher {
  /** Most live results held per session while its recovery runs; more are written at once. */
  static final int MAX_HELD_LIVE = 1024;
  /** The longest claim delay {@link #claimDelayFor} gives. */
  static final Duration MAX_CLAIM_DELAY = Duration.ofMillis(500);

  private final TerminalRegistry registry;
  private final RecentResultIds acked;
  private final ReversedResults reversed;
  private final DeliveryClaims claims;
  private final DeliveryLog deliveryLog;
  private final DeliveryMeters meters;
  private final SessionMeters sessionMeters;
  private final long ackTimeoutNanos;
  private final long claimDelayNanos;
  private final Clock clock;
  private final LongSupplier nanoTime;
  private final InFlightCount inFlight = new InFlightCount();

  /**
   * @param nodeId this node's id, written into every claim
   * @param registry the terminals connected to this node
   * @param acked recently acked result ids (the dedup set)
   * @param reversed results the ledger decided REVERSAL_REQUIRED: never written again
   * @param claims where claims go
   * @param meters delivery meters
   * @param ackTimeout how long the terminal has to ack a written result, > 0
   * @param claimDelay how long after the write the OUTCOME_CLAIMED claim waits for the outcome,
   *     >= 0; zero sends it with the write. Normally {@link #claimDelayFor} the claim deadline.
   * @param clock wall clock for claim timestamps and result age
   * @param nanoTime monotonic clock for the write-to-ack latency, {@code System::nanoTime}
   */
  public DeliveryTracker(
      String nodeId,
      TerminalRegistry registry,
      RecentResultIds acked,
      ReversedResults reversed,
      ClaimPublisher claims,
      RelayMeters meters,
      Duration ackTimeout,
      Duration claimDelay,
      Clock clock,
      LongSupplier nanoTime) {
    this.registry = registry;
    this.acked = acked;
    this.reversed = reversed;
    this.claims = new DeliveryClaims(nodeId, claims, clock);
    this.deliveryLog = new DeliveryLog(nodeId);
    this.meters = meters.deliveries();
    this.sessionMeters = meters.sessions();
    this.ackTimeoutNanos = ackTimeout.toNanos();
    if (claimDelay.isNegative()) {
      throw new IllegalArgumentException("claimDelay: " + claimDelay + " (expected: >= 0)");
    }
    this.claimDelayNanos = claimDelay.toNanos();
    this.clock = clock;
    this.nanoTime = nanoTime;
    meters.gauge(
        RelayMeters.DELIVERIES_IN_FLIGHT, "Results written and awaiting the ack.", inFlight::get);
  }

  /**
   * The claim delay for a ledger claim deadline: a sixth of it, at most 500 ms (3 s → 500 ms), so
   * that a deferred claim reaches the ledger long before the deadline even when this node or
   * Kafka is a second behind.
   *
   * @param claimDeadline the ledger's claim deadline, > 0
   * @return the delay, > 0
   */
  public static Duration claimDelayFor(Duration claimDeadline) {
    Duration sixth = claimDeadline.dividedBy(6);
    return sixth.compareTo(MAX_CLAIM_DELAY) < 0 ? sixth : MAX_CLAIM_DELAY;
  }

  /**
   * Hands {@code result} to the event loop of its terminal's session, or counts it as ignored
   * if the terminal is not connected here. Thread-safe; never blocks.
   *
   * @throws MalformedRecordException if the result is outside the contract ({@link
   *     RecordChecks#check(PaymentResult)}): it is not delivered, and the reader logs and counts
   *     it with its coordinates; the ledger fails it UNCLAIMED after the claim deadline
   */
  @Override
  public void dispatch(PaymentResult result) {
    RecordChecks.check(result);
    meters.resultReceived();
    dispatchTo(registry.get(result.getTerminalId()), result, true);
  }

  /**
   * Whether the results reader should decode and {@link #dispatch} a result keyed {@code
   * terminalId}: whether that terminal has a session on this node now. A result it should not is
   * counted received and ignored here, as {@link #dispatch} would count it, and is skipped
   * undecoded: a malformed one is then the holder's and the ledger's to report. A terminal that
   * connects just after this answer misses the result as it would have after a dispatch; its
   * recovery on Hello finds it. Thread-safe; never blocks.
   *
   * @param terminalId the record's key
   */
  public boolean takesResultsFor(String terminalId) {
    if (registry.get(terminalId) != null) {
      return true;
    }
    meters.resultReceived();
    meters.resultIgnored();
    return false;
  }

  private void dispatchTo(@Nullable PosSession session, PaymentResult result, boolean mayRetry) {
    if (session == null) {
      meters.resultIgnored();
      return;
    }
    try {
      session.eventLoop().execute(() -> deliverLive(session, result, mayRetry));
    } catch (RejectedExecutionException shuttingDown) {
      meters.resultIgnored();
    }
  }

  /** A result from the results topic. Runs on the session's event loop. */
  private void deliverLive(PosSession session, PaymentResult result, boolean mayRetry) {
    if (!session.isOpen()) {
      // Replaced or closed since the lookup: try the terminal's current session once.
      PosSession current = registry.get(session.terminalId());
      dispatchTo(mayRetry && current != session ? current : null, result, false);
      return;
    }
    if (session.holdingLive && session.heldLive.size() < MAX_HELD_LIVE) {
      session.heldLive.add(result); // written after the recovered results
      return;
    }
    deliver(session, result, false);
  }

  /**
   * Delivers a result found by recovery, at once (ahead of held live results). Skips it if it is
   * in flight on this session, or if it was acked on this node: the ledger still lists it as
   * undelivered only because it never got that DELIVERED claim (dropped while Kafka did not
   * answer, or failed), so it is claimed DELIVERED again instead of being written again. Call on
   * the session's event loop.
   *
   * @param session an open session of the result's terminal
   * @param result the undelivered result, as the ledger holds it
   */
  void redeliver(PosSession session, PaymentResult result) {
    if (session.isOpen()) {
      deliver(session, result, true);
    }
  }

  /**
   * Ends the hold of live results that arrived while recovery ran, and writes them in arrival
   * order. Call on the session's event loop.
   *
   * @param session the session
   */
  void releaseHeld(PosSession session) {
    session.holdingLive = false;
    PaymentResult held;
    while ((held = session.heldLive.poll()) != null) {
      if (session.isOpen()) {
        deliver(session, held, false);
      }
    }
  }

  /**
   * Runs on the session's event loop; the session is open.
   *
   * @param undeliveredInLedger whether the ledger listed it as undelivered (recovery)
   */
  private void deliver(PosSession session, PaymentResult result, boolean undeliveredInLedger) {
    String resultId = result.getResultId();
    if (reversed.contains(resultId)) {
      // The ledger's decision is final: writing it would show the terminal an approval that is
      // being cancelled. No claim either: the ledger keeps it REVERSAL_REQUIRED.
      meters.resultReversedSkipped();
      deliveryLog.reversedSkipped(session, resultId);
      return;
    }
    if (acked.contains(resultId)) {
      meters.resultDuplicate(false);
      if (undeliveredInLedger) {
        deliveryLog.reclaimingAcked(session, resultId);
        claims.delivered(session, result);
      } else {
        deliveryLog.alreadyAcked(session, resultId);
      }
      return;
    }
    if (session.inFlight.containsKey(resultId)) {
      meters.resultDuplicate(true);
      return;
    }
    if (!session.channel().isWritable()) {
      stalled(session, result);
      return;
    }
    // A received_at out of range (possible on the recovery path, which comes from the ledger,
    // not through the reader's check) only loses its age sample: the result is still delivered.
    if (result.hasReceivedAt() && RecordChecks.isValid(result.getReceivedAt())) {
      Timestamp at = result.getReceivedAt();
      meters.resultAge(
          Duration.between(Instant.ofEpochSecond(at.getSeconds(), at.getNanos()), clock.instant()));
    }
    PendingDelivery pending = new PendingDelivery(result, nanoTime.getAsLong());
    session.inFlight.put(resultId, pending);
    session.timedOut.remove(resultId);
    inFlight.increment();
    if (claimDelayNanos == 0) {
      // The claim goes first: a write that fails at once reports FAILED inside writeAndFlush.
      meters.claimed();
      claims.claimed(session, result);
    } else {
      pending.claimTimer = session.eventLoop().schedule(() -> {
        pending.claimTimer = null;
        if (session.inFlight.get(resultId) == pending) {
          meters.claimed();
          claims.claimed(session, result);
        }
      }, claimDelayNanos, TimeUnit.NANOSECONDS);
    }
    deliveryLog.writing(session, resultId);
    session
        .channel()
        .writeAndFlush(PosFrame.newBuilder().setPaymentResult(result).build())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                deliveryLog.writeFailed(session, resultId, f.cause());
                fail(session, resultId, pending, FailureReason.FAILURE_REASON_WRITE_FAILED);
              }
            });
    if (session.inFlight.get(resultId) == pending) {
      pending.ackTimeout =
          session.eventLoop().schedule(
              () -> {
                if (session.inFlight.get(resultId) == pending) {
                  session.timedOut.put(resultId, pending);
                  fail(session, resultId, pending, FailureReason.FAILURE_REASON_ACK_TIMEOUT);
                }
              },
              ackTimeoutNanos,
              TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Records the terminal's ack of {@code resultId}: OUTCOME_DELIVERED for a result in flight or
   * one whose ack timed out recently on this session; a repeated ack is ignored. Call on the
   * session's event loop.
   *
   * @param session the session the Ack arrived on
   * @param resultId the Ack's result id
   * @return whether the ack counted as a delivery here (in flight or timed out on this session)
   */
  public boolean onAck(PosSession session, String resultId) {
    PendingDelivery pending = session.inFlight.remove(resultId);
    if (pending != null) {
      pending.cancelTimeout();
      inFlight.decrement();
      acked.add(resultId);
      meters.delivered(nanoTime.getAsLong() - pending.writtenAtNanos);
      claims.delivered(session, pending.result);
      deliveryLog.delivered(session, resultId);
      return true;
    }
    PendingDelivery late = session.timedOut.remove(resultId);
    if (late != null) {
      // Acked after the ack timeout: the terminal has it after all.
      acked.add(resultId);
      meters.lateAck(nanoTime.getAsLong() - late.writtenAtNanos);
      claims.delivered(session, late.result);
      deliveryLog.lateAck(session, resultId);
      return true;
    }
    deliveryLog.ackIgnored(session, resultId);
    return false;
  }

  /**
   * Ends {@code session}: removes it from the registry (unless a newer session replaced it) and
   * fails every result still in flight with the session's close reason ({@link
   * PosSession#markClosing}), CONNECTION_LOST by default. Idempotent. Call on the session's event
   * loop once its channel is closed.
   *
   * @param session the session that ended
   */
  public void onSessionClosed(PosSession session) {
    if (!session.end()) {
      return;
    }
    registry.unregister(session);
    FailureReason reason = session.closeReason();
    List<String> ids = new ArrayList<>(session.inFlight.keySet());
    for (String resultId : ids) {
      PendingDelivery pending = session.inFlight.get(resultId);
      if (pending != null) {
        fail(session, resultId, pending, reason);
      }
    }
  }

  /**
   * The terminal stopped reading: its outbound buffer is above the high watermark and another
   * result is due. This result fails with WRITE_FAILED at once (it was never written), the
   * session closes without an Error frame (the terminal would not read it), and the results in
   * flight fail with WRITE_FAILED when the channel is inactive.
   */
  private void stalled(PosSession session, PaymentResult result) {
    meters.failed(FailureReason.FAILURE_REASON_WRITE_FAILED);
    claims.failed(session, result, FailureReason.FAILURE_REASON_WRITE_FAILED);
    deliveryLog.stalled(session, result.getResultId());
    if (session.markClosing(FailureReason.FAILURE_REASON_WRITE_FAILED)) {
      sessionMeters.writeStall(false);
    }
    session.channel().close();
  }

  /** The number of results written and not yet acked or failed, on all sessions. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Waits until no result is in flight, at most {@code timeout}.
   *
   * @param timeout upper bound, >= 0
   * @return {@code true} if none is in flight
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitNoneInFlight(Duration timeout) throws InterruptedException {
    return inFlight.awaitZero(timeout);
  }

  private void fail(
      PosSession session, String resultId, PendingDelivery pending, FailureReason reason) {
    if (session.inFlight.remove(resultId, pending)) {
      pending.cancelTimeout();
      inFlight.decrement();
      meters.failed(reason);
      claims.failed(session, pending.result, reason);
      deliveryLog.failed(session, resultId, reason);
    }
  }
}
