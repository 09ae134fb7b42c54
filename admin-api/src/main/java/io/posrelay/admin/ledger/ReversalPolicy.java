package io.posrelay.admin.ledger;

import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Which results are reversal candidates and when their reversal decision is due: an approved
 * result (its result code in {@code approvedResultCodes}) that is not DELIVERED by {@code
 * received_at} + its merchant's reversal deadline becomes REVERSAL_REQUIRED. A declined result is
 * never a candidate. Immutable and thread-safe.
 *
 * @param approvedResultCodes ILK result codes that mean "approved"; empty = no result is a
 *     candidate (no reversal decisions at all)
 * @param deadline the reversal deadline of a merchant without an override; > 0
 * @param merchantDeadlines per-merchant overrides (MID → deadline, each > 0)
 */
public record ReversalPolicy(
    Set<String> approvedResultCodes, Duration deadline, Map<String, Duration> merchantDeadlines) {
  /** ILK's approval code: the default set of approved result codes. */
  public static final Set<String> DEFAULT_APPROVED_RESULT_CODES = Set.of("0000");
  /**
   * The default reversal deadline, 60 s: a POS payment screen waits about 30–60 s for the answer,
   * after which the cashier takes the payment again, so an approval that reaches the terminal
   * later risks a double charge. It is well above the claim deadline (3 s) plus the ack timeout
   * (5 s), so a terminal that is connected gets its result, and its redeliveries, first.
   */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);
  /** No reversal decisions: nothing is a candidate (FAILED approvals expire like declines). */
  public static final ReversalPolicy NONE =
      new ReversalPolicy(Set.of(), DEFAULT_DEADLINE, Map.of());

  /**
   * @throws IllegalArgumentException if a deadline is not positive
   */
  public ReversalPolicy {
    approvedResultCodes = Set.copyOf(approvedResultCodes);
    merchantDeadlines = Map.copyOf(merchantDeadlines);
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    merchantDeadlines.forEach((mid, d) -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("deadline of " + mid + ": " + d + " (expected: > 0)");
      }
    });
  }

  /** The default codes and deadline, no overrides. */
  public static ReversalPolicy defaults() {
    return new ReversalPolicy(DEFAULT_APPROVED_RESULT_CODES, DEFAULT_DEADLINE, Map.of());
  }

  /** Whether {@code result} is an approval, so a reversal candidate until it is DELIVERED. */
  public boolean isApproval(PaymentResult result) {
    return approvedResultCodes.contains(result.getResultCode());
  }

  /** The reversal deadline of {@code merchantId}: its override, or {@link #deadline()}. */
  public Duration deadlineOf(String merchantId) {
    return merchantDeadlines.getOrDefault(merchantId, deadline);
  }

  /** The longest deadline of any merchant. */
  public Duration longestDeadline() {
    Duration longest = deadline;
    for (Duration d : merchantDeadlines.values()) {
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }

  /**
   * When {@code result}'s reversal decision is due, in epoch millis.
   *
   * @param receivedAtMs the result's received_at, epoch millis
   * @return received_at + the merchant's deadline (at least 1); 0 if the result is no candidate
   */
  long dueAtMs(PaymentResult result, long receivedAtMs) {
    if (!isApproval(result)) {
      return 0;
    }
    return Math.max(1, receivedAtMs + deadlineOf(result.getMerchantId()).toMillis());
  }
}
