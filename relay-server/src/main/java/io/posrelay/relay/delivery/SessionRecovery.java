package io.posrelay.relay.delivery;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery on reconnect: after a terminal's Welcome, asks the ledger for its undelivered results
 * and delivers them oldest first (by received_at), before any live result that arrived
 * meanwhile. Undelivered means FAILED, or PENDING for longer than the claim deadline (no node
 * claimed it); a result the ledger shows DELIVERED, DELIVERING or EXPIRED is never redelivered,
 * and one acked on this node or in flight on the session is skipped by the {@link
 * DeliveryTracker}.
 *
 * <p>Live results are held (at most {@value DeliveryTracker#MAX_HELD_LIVE} per session) only until
 * the first answer or failure. At most {@code maxConcurrentFetches} asks are in flight on this
 * node; the rest wait in FIFO order ({@link RecoveryScheduler}), and a closed session's waiting
 * ask is dropped. A failed ask is retried after a random wait between 0 and a cap that starts
 * at {@code firstBackoff} and doubles up to {@code maxBackoff} ("full jitter", so that sessions
 * that failed together do not retry together); it is retried for as long as the session is open,
 * unless the source refuses it for good ({@link RecoveryRefusedException}).
 *
 * <p>After the first successful answer, one follow-up fetch runs {@code followUpDelay} later (or
 * once the youngest PENDING result's claim deadline has passed, if that is later). It catches
 * what the ledger could not know at Hello: a result in flight on the terminal's previous session
 * (on another node) that fails with SESSION_REPLACED or CONNECTION_LOST after the takeover, one
 * whose node died (the ledger's ack backstop fails it), and a result published just before the
 * Hello that passed this node's consumer before the session was registered.
 *
 * <p>Thread-safe: the source answers on its own threads; all session work hops to the session's
 * event loop.
 */
public final class SessionRecovery {
  private static final Logger log = LoggerFactory.getLogger(SessionRecovery.class);
  /** Margin added to the claim deadline before the follow-up fetch, for the ledger's lag. */
  static final Duration FOLLOW_UP_MARGIN = Duration.ofSeconds(1);
  /** A failing session logs its 1st failed attempt at INFO, then every this many. */
  static final int LOG_EVERY_ATTEMPTS = 10;
  private final Duration followUpDelay;

  private final @Nullable UndeliveredResults source;
  private final DeliveryTracker tracker;
  private final RelayMeters meters;
  private final Clock clock;
  private final Duration claimDeadline;
  private final RecoveryScheduler scheduler;
  private final long firstBackoffNanos;
  private final long maxBackoffNanos;
  private final LongUnaryOperator jitter;

  /**
   * @param source the ledger; {@code null} turns recovery off ({@link #start} does nothing)
   * @param tracker delivers what is found
   * @param meters counts fetches, failures and results found
   * @param clock wall clock, compared with the results' received_at
   * @param claimDeadline the ledger's claim deadline, > 0
   * @param maxConcurrentFetches most fetches in flight on this node, >= 1; more wait their turn
   * @param firstBackoff cap of the wait before the second attempt, > 0; doubled after each
   *     failure
   * @param maxBackoff upper bound of the cap, >= firstBackoff; a failing open session keeps
   *     retrying with this cap
   * @param followUpDelay from the first answer to the follow-up fetch, >= 0; normally the claim
   *     deadline plus the ack timeout plus a margin (the ledger's backstop for a dead node)
   * @param jitter given the current cap in nanoseconds, the wait before the next attempt in
   *     nanoseconds, in [0, cap]; production draws it uniformly at random, tests fix it
   * @throws IllegalArgumentException if maxConcurrentFetches < 1
   */
  public SessionRecovery(
      @Nullable UndeliveredResults source,
      DeliveryTracker tracker,
      RelayMeters meters,
      Clock clock,
      Duration claimDeadline,
      int maxConcurrentFetches,
      Duration firstBackoff,
      Duration maxBackoff,
      Duration followUpDelay,
      LongUnaryOperator jitter) {
    this.followUpDelay = followUpDelay;
    this.source = source;
    this.tracker = tracker;
    this.meters = meters;
    this.clock = clock;
    this.claimDeadline = claimDeadline;
    this.scheduler = new RecoveryScheduler(maxConcurrentFetches);
    this.firstBackoffNanos = firstBackoff.toNanos();
    this.maxBackoffNanos = maxBackoff.toNanos();
    this.jitter = jitter;
  }

  /**
   * Full jitter, the production {@code jitter}: a wait drawn uniformly from [0, cap]. Thread-safe.
   *
   * @param capNanos the current cap, >= 0
   * @return the wait in nanoseconds, in [0, capNanos]
   */
  public static long fullJitter(long capNanos) {
    return ThreadLocalRandom.current().nextLong(capNanos + 1);
  }

  /**
   * Starts recovery for a new session: holds its live results and asks the source. Call on the
   * session's event loop, after its Welcome was written. Does nothing if recovery is off.
   *
   * @param session the new session
   */
  public void start(PosSession session) {
    if (source == null) {
      return;
    }
    session.holdingLive = true;
    fetch(session, 1);
  }

  /**
   * Stops recovery for a session that closed: drops its waiting fetch and its timer, and counts
   * it as abandoned if its last fetch had failed. Call on the session's event loop.
   *
   * @param session the closed session
   */
  public void onSessionClosed(PosSession session) {
    RecoveryScheduler.Ticket waiting = session.recoveryTicket;
    if (waiting != null) {
      scheduler.cancel(waiting);
      session.recoveryTicket = null;
    }
    ScheduledFuture<?> timer = session.recoveryTimer;
    if (timer != null) {
      timer.cancel(false);
      session.recoveryTimer = null;
    }
    if (session.recoveryFailing) {
      session.recoveryFailing = false;
      meters.sessions().recoveryAbandoned();
      try (LogContext ignored = LogContext.open().terminalId(session.terminalId())) {
        log.info("terminal_id={} session_id={} closed before recovery succeeded",
            session.terminalId(), session.sessionId());
      }
    }
  }

  /**
   * Fetches the session's undelivered results again because one of them was just reported
   * FAILED elsewhere (a delivery event): e.g. it was in flight on the terminal's previous session
   * when this one took over. If a fetch is queued or running, one more runs after it answers (its
   * answer may predate the failure); if the last fetch failed, the pending retry covers it. Call
   * on the session's event loop. Does nothing if recovery is off or the session closed.
   *
   * @param session an open session on this node
   */
  public void refetch(PosSession session) {
    if (source == null || !session.isOpen() || session.recoveryFailing) {
      return;
    }
    if (session.recoveryTicket != null) {
      session.recoveryRefetch = true;
      return;
    }
    fetch(session, 1);
  }

  /** Queues a fetch for the session. Event loop only. */
  private void fetch(PosSession session, int attempt) {
    UndeliveredResults from = source;
    if (from == null || !session.isOpen()) {
      return;
    }
    String terminalId = session.terminalId();
    session.recoveryTicket = scheduler.submit(() -> {
      CompletionStage<List<Delivery>> answer;
      try {
        answer = from.fetch(terminalId);
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((deliveries, error) -> {
        try {
          session.eventLoop().execute(() -> onAnswer(session, attempt, deliveries, error));
        } catch (RejectedExecutionException shuttingDown) {
          // The node is stopping; the ledger keeps the results for the next session.
        }
      });
      return answer;
    });
  }

  private void onAnswer(PosSession session, int attempt, @Nullable List<Delivery> deliveries,
      @Nullable Throwable error) {
    session.recoveryTicket = null;
    if (!session.isOpen()) {
      return;
    }
    if (error != null || deliveries == null) {
      onFailure(session, attempt, error);
      return;
    }
    session.recoveryFailing = false;
    meters.sessions().recoveryFetch(true);
    Instant now = clock.instant();
    List<PaymentResult> due = UndeliveredSelection.due(deliveries, now, claimDeadline);
    meters.sessions().recoveryResults(due.size());
    if (!due.isEmpty()) {
      try (LogContext ignored = LogContext.open().terminalId(session.terminalId())) {
        log.info("terminal_id={} session_id={} recovering {} undelivered result(s)",
            session.terminalId(), session.sessionId(), due.size());
      }
    }
    for (PaymentResult result : due) {
      tracker.redeliver(session, result);
    }
    tracker.releaseHeld(session);
    if (session.recoveryRefetch) {
      session.recoveryRefetch = false;
      fetch(session, 1);
    }
    if (!session.recoveryFollowUp) {
      session.recoveryFollowUp = true;
      long delayNanos = followUpDelay.toNanos();
      Instant youngestDue =
          UndeliveredSelection.youngestPendingDue(deliveries, now, claimDeadline);
      if (youngestDue != null) {
        delayNanos = Math.max(delayNanos,
            Duration.between(now, youngestDue).plus(FOLLOW_UP_MARGIN).toNanos());
      }
      later(session, 1, delayNanos);
    }
  }

  private void onFailure(PosSession session, int attempt, @Nullable Throwable error) {
    try (LogContext ignored = LogContext.open().terminalId(session.terminalId())) {
      onFailureLogged(session, attempt, error);
    }
  }

  private void onFailureLogged(PosSession session, int attempt, @Nullable Throwable error) {
    meters.sessions().recoveryFetch(false);
    tracker.releaseHeld(session);
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof RecoveryRefusedException) {
      session.recoveryFailing = false;
      meters.sessions().recoveryAbandoned();
      log.warn("terminal_id={} session_id={} recovery refused; not asking again this session: {}",
          session.terminalId(), session.sessionId(), String.valueOf(cause.getCause()));
      return;
    }
    session.recoveryFailing = true;
    session.recoveryRefetch = false; // the retry fetches everything anyway
    long cap = backoffCap(attempt);
    long waitNanos = Math.max(0, Math.min(cap, jitter.applyAsLong(cap)));
    if (attempt == 1 || attempt % LOG_EVERY_ATTEMPTS == 0) {
      log.info("terminal_id={} session_id={} recovery attempt {} failed; retrying in {} ms: {}",
          session.terminalId(), session.sessionId(), attempt, waitNanos / 1_000_000,
          String.valueOf(cause));
    } else {
      log.debug("terminal_id={} session_id={} recovery attempt {} failed; retrying in {} ms: {}",
          session.terminalId(), session.sessionId(), attempt, waitNanos / 1_000_000,
          String.valueOf(cause));
    }
    later(session, attempt + 1, waitNanos);
  }

  /** The cap of the wait after failed attempt {@code attempt}: first * 2^(attempt-1), at most max. */
  long backoffCap(int attempt) {
    int doublings = Math.min(attempt - 1, 62);
    return firstBackoffNanos > (maxBackoffNanos >> doublings)
        ? maxBackoffNanos
        : firstBackoffNanos << doublings;
  }

  private void later(PosSession session, int attempt, long delayNanos) {
    ScheduledFuture<?> pending = session.recoveryTimer;
    if (pending != null) {
      // A follow-up was waiting when a refetch failed: the retry replaces it, and the next
      // successful answer schedules the follow-up again.
      pending.cancel(false);
      session.recoveryFollowUp = false;
    }
    session.recoveryTimer = session.eventLoop().schedule(() -> {
      session.recoveryTimer = null;
      fetch(session, attempt);
    }, delayNanos, TimeUnit.NANOSECONDS);
  }
}
