package io.posrelay.admin.ledger;

import io.posrelay.v1.DeliveryClaim;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Claims that arrived before their result. Results and claims are two topics, consumed
 * independently, so a claim can overtake its result (most often while replaying after a restart).
 * Such a claim is kept here and applied when the result arrives. Bounded in count and in age: the
 * oldest is dropped first (and counted), so a claim for a result that never comes (or that the
 * ledger evicted) cannot pin memory. Not thread-safe: guarded by the {@link DeliveryLedger}'s lock.
 */
final class EarlyClaims {
  private record Waiting(DeliveryClaim claim, Instant seenAt) {}

  private final Map<String, List<DeliveryClaim>> byResultId = new HashMap<>();
  private final ArrayDeque<Waiting> inArrivalOrder = new ArrayDeque<>();
  private final int maxClaims;
  private final Duration maxAge;
  private int size;

  EarlyClaims(int maxClaims, Duration maxAge) {
    this.maxClaims = maxClaims;
    this.maxAge = maxAge;
  }

  int size() {
    return size;
  }

  /**
   * Keeps {@code claim} until its result arrives.
   *
   * @return how many older claims were dropped to make room
   */
  int add(DeliveryClaim claim, Instant now) {
    byResultId.computeIfAbsent(claim.getResultId(), id -> new ArrayList<>(2)).add(claim);
    inArrivalOrder.addLast(new Waiting(claim, now));
    size++;
    int dropped = 0;
    // The deque also holds entries whose claims were already taken; bound it too.
    while ((size > maxClaims || inArrivalOrder.size() > 2L * maxClaims)
        && !inArrivalOrder.isEmpty()) {
      if (dropOldest()) {
        dropped++;
      }
    }
    return dropped;
  }

  /** Removes and returns the claims waiting for {@code resultId}, in arrival order. */
  List<DeliveryClaim> take(String resultId) {
    List<DeliveryClaim> claims = byResultId.remove(resultId);
    if (claims == null) {
      return List.of();
    }
    size -= claims.size();
    return claims;
  }

  /**
   * Drops claims older than the maximum age.
   *
   * @return how many were dropped
   */
  int expire(Instant now) {
    Instant cutoff = now.minus(maxAge);
    int dropped = 0;
    while (!inArrivalOrder.isEmpty() && inArrivalOrder.peekFirst().seenAt().isBefore(cutoff)) {
      if (dropOldest()) {
        dropped++;
      }
    }
    // Keep the deque from growing with entries whose claims were already taken.
    while (size == 0 && !inArrivalOrder.isEmpty()) {
      inArrivalOrder.pollFirst();
    }
    return dropped;
  }

  /** Removes the oldest waiting entry; true if its claim was still waiting (not yet taken). */
  private boolean dropOldest() {
    Waiting oldest = inArrivalOrder.pollFirst();
    if (oldest == null) {
      return false;
    }
    List<DeliveryClaim> claims = byResultId.get(oldest.claim().getResultId());
    if (claims == null || !removeIdentical(claims, oldest.claim())) {
      return false;
    }
    size--;
    if (claims.isEmpty()) {
      byResultId.remove(oldest.claim().getResultId());
    }
    return true;
  }

  private static boolean removeIdentical(List<DeliveryClaim> claims, DeliveryClaim claim) {
    for (int i = 0; i < claims.size(); i++) {
      if (claims.get(i) == claim) {
        claims.remove(i);
        return true;
      }
    }
    return false;
  }
}
