package io.posrelay.admin.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery ledger: one record per {@code result_id}, in memory.
 *
 * <pre>
 * PENDING ──CLAIMED──▶ DELIVERING ──DELIVERED──▶ DELIVERED (final; duplicate claims still counted)
 *    │ claim deadline      │ FAILED claim (reason) / ackTimeout + claimDeadline (ACK_TIMEOUT)
 *    ▼                     ▼
 *  FAILED(UNCLAIMED)     FAILED(reason) ──CLAIMED / DELIVERED (redelivery)──▶ DELIVERING / DELIVERED
 * </pre>
 *
 * <ul>
 *   <li>Deadlines are measured on this ledger's {@link Clock} from when the ledger <em>saw</em> the
 *       result or claim, never from the producer's timestamps, so replaying the topics after a
 *       restart does not fail results whose claims simply come later in the replay.
 *   <li>A claim that arrives before its result is kept (bounded, see {@link EarlyClaims}) and
 *       applied when the result arrives.
 *   <li>A re-published result (an ILK retry, same {@code result_id}) never resets a DELIVERED or
 *       DELIVERING record; a FAILED one becomes PENDING again with a new claim deadline, since
 *       every relay node gets another chance to deliver it.
 *   <li>A FAILED claim from a node/session other than the one a DELIVERING record was last
 *       claimed by is stale (an older delivery attempt) and changes nothing.
 *   <li>Bounded: beyond {@code maxRecords} records the oldest (by received_at) DELIVERED record is
 *       evicted first, then EXPIRED, FAILED, DELIVERING and PENDING ones; evictions are counted by
 *       status ({@link LedgerMeters#EVICTIONS}). A record holds the payment result, about 1 KiB of
 *       heap with the indexes, so 1,000,000 records need about 1 GiB.
 * </ul>
 *
 * <p>Deadlines live in an index ordered by due time; {@link #expireDue()} takes only what is due.
 * Listings walk per-status or per-terminal indexes ordered by {@link SortKey}.
 *
 * <p>Thread-safe: every method takes one lock and does bounded work under it.
 */
public final class DeliveryLedger {
  private static final Logger log = LoggerFactory.getLogger(DeliveryLedger.class);
  private static final Duration EARLY_CLAIM_MAX_AGE = Duration.ofMinutes(10);
  private static final Set<DeliveryStatus> ALL_STATUSES = EnumSet.copyOf(LedgerIndex.STATUSES);

  private final ReentrantLock lock = new ReentrantLock();
  private final Clock clock;
  private final Duration claimDeadline;
  private final Duration ackBackstop;
  private final int maxRecords;
  private final LedgerIndex index = new LedgerIndex();
  private final EarlyClaims earlyClaims;
  private final LedgerMeters meters;

  /**
   * Creates an empty ledger and registers its meters ({@link LedgerMeters}) with {@code registry}.
   *
   * @param clock the time deadlines are measured on
   * @param claimDeadline how long a result may stay PENDING before it is FAILED(UNCLAIMED); > 0
   * @param ackTimeout the relay nodes' ack timeout; a DELIVERING record with no outcome within
   *     {@code ackTimeout + claimDeadline} of its claim is FAILED(ACK_TIMEOUT); > 0
   * @param maxRecords the most records kept; >= 1
   * @param registry where the ledger's meters go
   * @throws IllegalArgumentException if a duration is not positive or {@code maxRecords < 1}
   */
  public DeliveryLedger(
      Clock clock,
      Duration claimDeadline,
      Duration ackTimeout,
      int maxRecords,
      MeterRegistry registry) {
    if (claimDeadline.isNegative() || claimDeadline.isZero()) {
      throw new IllegalArgumentException(
          "claim-deadline.ms: " + claimDeadline.toMillis() + " (expected: > 0)");
    }
    if (ackTimeout.isNegative() || ackTimeout.isZero()) {
      throw new IllegalArgumentException(
          "ack-timeout.ms: " + ackTimeout.toMillis() + " (expected: > 0)");
    }
    if (maxRecords < 1) {
      throw new IllegalArgumentException("max-records: " + maxRecords + " (expected: >= 1)");
    }
    this.clock = clock;
    this.claimDeadline = claimDeadline;
    this.ackBackstop = ackTimeout.plus(claimDeadline);
    this.maxRecords = maxRecords;
    this.earlyClaims = new EarlyClaims(Math.max(1_000, maxRecords / 10), EARLY_CLAIM_MAX_AGE);
    this.meters = new LedgerMeters(registry, this);
  }

  /**
   * Applies a payment result from {@code posrelay.results}.
   *
   * @throws IllegalArgumentException if {@code result_id} or {@code terminal_id} is empty
   */
  public void onResult(PaymentResult result) {
    if (result.getResultId().isEmpty()) {
      throw new IllegalArgumentException("result_id: empty");
    }
    if (result.getTerminalId().isEmpty()) {
      throw new IllegalArgumentException("terminal_id: empty");
    }
    lock.lock();
    try {
      meters.results.increment();
      Instant now = clock.instant();
      LedgerEntry entry = index.get(result.getResultId());
      if (entry == null) {
        addNew(result, now);
      } else {
        onRepublished(entry, result, now);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies a relay node's claim from {@code posrelay.claims}. A claim for a result the ledger has
   * not seen yet waits for it.
   *
   * @throws IllegalArgumentException if {@code result_id} is empty or the outcome is unspecified
   */
  public void onClaim(DeliveryClaim claim) {
    if (claim.getResultId().isEmpty()) {
      throw new IllegalArgumentException("result_id: empty");
    }
    DeliveryClaim.Outcome outcome = claim.getOutcome();
    if (outcome == DeliveryClaim.Outcome.OUTCOME_UNSPECIFIED
        || outcome == DeliveryClaim.Outcome.UNRECOGNIZED) {
      throw new IllegalArgumentException("outcome: " + claim.getOutcomeValue() + " (unknown)");
    }
    lock.lock();
    try {
      meters.claim(outcome);
      Instant now = clock.instant();
      LedgerEntry entry = index.get(claim.getResultId());
      if (entry == null) {
        int dropped = earlyClaims.add(claim, now);
        meters.earlyClaimsDropped.increment(dropped);
      } else {
        ClaimTransitions.apply(entry, claim, now, index, meters, ackBackstop);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fails every record whose deadline has passed: PENDING → FAILED(UNCLAIMED), DELIVERING →
   * FAILED(ACK_TIMEOUT); drops early claims that waited too long. Touches only what is due.
   *
   * @return how many records became FAILED
   */
  public int expireDue() {
    lock.lock();
    try {
      Instant now = clock.instant();
      int failed = 0;
      for (LedgerEntry entry; (entry = index.pollDue(now)) != null; ) {
        FailureReason reason =
            switch (entry.status) {
              case DELIVERY_STATUS_PENDING -> FailureReason.FAILURE_REASON_UNCLAIMED;
              case DELIVERY_STATUS_DELIVERING -> FailureReason.FAILURE_REASON_ACK_TIMEOUT;
              default -> null;
            };
        if (reason != null) {
          ClaimTransitions.fail(entry, reason, now, now, index, meters);
          log.info(
              "delivery failed result_id={} terminal_id={} node_id={} reason={}",
              entry.resultId(),
              entry.terminalId(),
              entry.nodeId,
              reason);
          failed++;
        }
      }
      meters.earlyClaimsDropped.increment(earlyClaims.expire(now));
      return failed;
    } finally {
      lock.unlock();
    }
  }

  /** The delivery of {@code resultId}, or empty if the ledger has no such result. */
  public Optional<Delivery> get(String resultId) {
    lock.lock();
    try {
      LedgerEntry entry = index.get(resultId);
      return entry == null ? Optional.empty() : Optional.of(entry.toDelivery());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Lists deliveries newest first (by received_at, then result_id).
   *
   * @param statuses only these statuses; empty = all
   * @param terminalId only this terminal; null or empty = all terminals
   * @param limit the most deliveries to return, >= 1
   * @param after only deliveries strictly older than this key (the {@link LedgerPage#next()} of
   *     the previous page); null to start at the newest
   * @throws IllegalArgumentException if {@code limit < 1}
   */
  public LedgerPage list(
      Set<DeliveryStatus> statuses,
      @Nullable String terminalId,
      int limit,
      @Nullable SortKey after) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    Set<DeliveryStatus> wanted = statuses.isEmpty() ? ALL_STATUSES : statuses;
    String terminal = terminalId == null || terminalId.isEmpty() ? null : terminalId;
    lock.lock();
    try {
      List<LedgerEntry> entries = index.newestFirst(wanted, terminal, limit + 1, after);
      boolean more = entries.size() > limit;
      List<LedgerEntry> page = more ? entries.subList(0, limit) : entries;
      return new LedgerPage(
          page.stream().map(LedgerEntry::toDelivery).toList(),
          more ? page.get(page.size() - 1).key : null);
    } finally {
      lock.unlock();
    }
  }

  /** How many records are in {@code status} now. */
  public int count(DeliveryStatus status) {
    lock.lock();
    try {
      return index.count(status);
    } finally {
      lock.unlock();
    }
  }

  /** How many records the ledger holds, at most {@code maxRecords}. */
  public int size() {
    lock.lock();
    try {
      return index.size();
    } finally {
      lock.unlock();
    }
  }

  /** How long ago (by received_at) the oldest PENDING result was received; zero if none. */
  public Duration oldestPendingAge() {
    lock.lock();
    try {
      SortKey oldest = index.oldest(DeliveryStatus.DELIVERY_STATUS_PENDING);
      if (oldest == null) {
        return Duration.ZERO;
      }
      Duration age = Duration.between(oldest.receivedAt(), clock.instant());
      return age.isNegative() ? Duration.ZERO : age;
    } finally {
      lock.unlock();
    }
  }

  /** How many claims wait for a result the ledger has not seen yet. */
  public int earlyClaims() {
    lock.lock();
    try {
      return earlyClaims.size();
    } finally {
      lock.unlock();
    }
  }

  private void addNew(PaymentResult result, Instant now) {
    Instant receivedAt = result.hasReceivedAt() ? LedgerEntry.instant(result.getReceivedAt()) : now;
    LedgerEntry entry = new LedgerEntry(result, new SortKey(receivedAt, result.getResultId()), now);
    index.add(entry);
    index.setDeadline(entry, now.plus(claimDeadline));
    for (DeliveryClaim claim : earlyClaims.take(result.getResultId())) {
      ClaimTransitions.apply(entry, claim, now, index, meters, ackBackstop);
    }
    while (index.size() > maxRecords) {
      LedgerEntry victim = index.evictionCandidate();
      if (victim == null) {
        break;
      }
      index.remove(victim);
      meters.eviction(victim.status);
    }
  }

  private void onRepublished(LedgerEntry entry, PaymentResult result, Instant now) {
    switch (entry.status) {
      case DELIVERY_STATUS_FAILED -> {
        entry.result = result;
        entry.failureReason = FailureReason.FAILURE_REASON_UNSPECIFIED;
        entry.updatedAt = now;
        index.setStatus(entry, DeliveryStatus.DELIVERY_STATUS_PENDING);
        index.setDeadline(entry, now.plus(claimDeadline));
      }
      case DELIVERY_STATUS_PENDING -> {
        entry.result = result;
        entry.updatedAt = now;
        index.setDeadline(entry, now.plus(claimDeadline));
      }
      default -> {
        // DELIVERING, DELIVERED, EXPIRED: a retry of the same result changes nothing.
      }
    }
  }
}
