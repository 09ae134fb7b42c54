package io.posrelay.admin.ledger;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's mutable record of one result. Not thread-safe: guarded by the {@link
 * DeliveryLedger}'s lock.
 */
final class LedgerEntry {
  final SortKey key;
  PaymentResult result;
  DeliveryStatus status = DeliveryStatus.DELIVERY_STATUS_PENDING;
  FailureReason failureReason = FailureReason.FAILURE_REASON_UNSPECIFIED;
  String nodeId = "";
  String sessionId = "";
  /** The node of the first claim with a node id; null until a claim arrives. */
  @Nullable String firstClaimNodeId;
  /** node id + session id of claims already counted as duplicates; null while there are none. */
  @Nullable Set<String> duplicateSessions;
  int duplicateClaims;
  @Nullable Instant claimedAt;
  @Nullable Instant deliveredAt;
  @Nullable Instant failedAt;
  Instant updatedAt;
  /** The pending deadline in the ledger's deadline index; null if none (DELIVERED, FAILED). */
  @Nullable Deadline deadline;

  LedgerEntry(PaymentResult result, SortKey key, Instant now) {
    this.result = result;
    this.key = key;
    this.updatedAt = now;
  }

  String resultId() {
    return key.resultId();
  }

  String terminalId() {
    return result.getTerminalId();
  }

  /**
   * Counts {@code claim} as a duplicate delivery if it comes from a node other than the first
   * claimant, once per (node, session).
   *
   * @return whether the claim was counted as a duplicate
   */
  boolean countIfDuplicate(DeliveryClaim claim) {
    String node = claim.getNodeId();
    if (node.isEmpty()) {
      return false;
    }
    if (firstClaimNodeId == null) {
      firstClaimNodeId = node;
      return false;
    }
    if (firstClaimNodeId.equals(node)) {
      return false;
    }
    if (duplicateSessions == null) {
      duplicateSessions = new HashSet<>(4);
    }
    if (!duplicateSessions.add(node + '\u0000' + claim.getSessionId())) {
      return false;
    }
    duplicateClaims++;
    return true;
  }

  /** Whether {@code claim} comes from the node and session that this delivery was last written to. */
  boolean isFromCurrentClaimant(DeliveryClaim claim) {
    return nodeId.equals(claim.getNodeId()) && sessionId.equals(claim.getSessionId());
  }

  Delivery toDelivery() {
    Delivery.Builder b =
        Delivery.newBuilder()
            .setResultId(resultId())
            .setTerminalId(result.getTerminalId())
            .setMerchantId(result.getMerchantId())
            .setStatus(status)
            .setFailureReason(failureReason)
            .setNodeId(nodeId)
            .setSessionId(sessionId)
            .setReceivedAt(timestamp(key.receivedAt()))
            .setUpdatedAt(timestamp(updatedAt))
            .setDuplicateClaims(duplicateClaims)
            .setPaymentResult(result);
    if (claimedAt != null) {
      b.setClaimedAt(timestamp(claimedAt));
    }
    if (deliveredAt != null) {
      b.setDeliveredAt(timestamp(deliveredAt));
    }
    if (failedAt != null) {
      b.setFailedAt(timestamp(failedAt));
    }
    return b.build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** When the deadline index must look at an entry again. */
  record Deadline(Instant dueAt, String resultId) implements Comparable<Deadline> {
    @Override
    public int compareTo(Deadline other) {
      int byTime = dueAt.compareTo(other.dueAt);
      return byTime != 0 ? byTime : resultId.compareTo(other.resultId);
    }
  }
}
