package io.posrelay.testkit.ilk;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What ILK's receipt endpoint received, counted: distinct receipts by kind, duplicates (a receipt
 * id received again), and missing: results that must have exactly one final receipt (DELIVERED or
 * REVERSAL_REQUIRED, because the ledger shows them so) and have none, or two different ones. An
 * approval the ledger has not delivered and not decided yet (its reversal deadline has not
 * passed) cannot have a final receipt yet: it is not missing but awaiting its decision, counted
 * apart.
 *
 * @param delivered distinct DELIVERED receipts
 * @param reversal distinct REVERSAL_REQUIRED receipts
 * @param conflict distinct CONFLICT receipts
 * @param duplicates receipts received again under a receipt id already received
 * @param missing results of {@code mustHaveFinalReceipt} without exactly one final receipt
 * @param badSignatures receipts refused for their signature
 * @param awaitingDecision approvals not DELIVERED nor REVERSAL_REQUIRED yet (PENDING, DELIVERING
 *     or FAILED before their reversal deadline): no final receipt is due for them yet
 */
public record ReceiptTally(long delivered, long reversal, long conflict, long duplicates,
    long missing, long badSignatures, long awaitingDecision) {

  /**
   * Counts.
   *
   * @param received receipts in arrival order
   * @param mustHaveFinalReceipt result ids each of which must have exactly one final receipt
   */
  public static ReceiptTally of(List<IlkReceiptReceiver.ReceivedReceipt> received,
      Collection<String> mustHaveFinalReceipt, long badSignatures) {
    Set<String> seen = new HashSet<>();
    Map<String, Set<String>> finalByResult = new HashMap<>();
    long delivered = 0;
    long reversal = 0;
    long conflict = 0;
    long duplicates = 0;
    for (IlkReceiptReceiver.ReceivedReceipt r : received) {
      if (!seen.add(r.receiptId())) {
        duplicates++;
        continue;
      }
      switch (r.kind()) {
        case "DELIVERED" -> delivered++;
        case "REVERSAL_REQUIRED" -> reversal++;
        case "CONFLICT" -> conflict++;
        default -> { }
      }
      if (r.isFinal()) {
        finalByResult.computeIfAbsent(r.resultId(), k -> new HashSet<>()).add(r.receiptId());
      }
    }
    long missing = mustHaveFinalReceipt.stream()
        .filter(id -> finalByResult.getOrDefault(id, Set.of()).size() != 1)
        .count();
    return new ReceiptTally(delivered, reversal, conflict, duplicates, missing, badSignatures,
        0);
  }

  /**
   * This tally with {@code count} approvals awaiting their decision.
   *
   * @param count approvals neither DELIVERED nor REVERSAL_REQUIRED in the ledger yet, >= 0
   * @return a copy
   */
  public ReceiptTally withAwaitingDecision(long count) {
    return new ReceiptTally(delivered, reversal, conflict, duplicates, missing, badSignatures,
        count);
  }

  /**
   * The demo's summary line: {@code receipts: delivered N, reversal M, conflict K, duplicates D,
   * missing X, bad signatures B, awaiting decision U}.
   */
  public String line() {
    return "receipts: delivered " + delivered + ", reversal " + reversal + ", conflict "
        + conflict + ", duplicates " + duplicates + ", missing " + missing + ", bad signatures "
        + badSignatures + ", awaiting decision " + awaitingDecision;
  }
}
