package io.posrelay.it;

import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What the ledger says became of a drill's accepted results, asked one {@code GetDelivery} per
 * result id: DELIVERED, FAILED with a reason, EXPIRED, or still open (missing from the ledger,
 * PENDING, DELIVERING, or FAILED without a reason) — "lost" if still open after the deadline.
 *
 * @param accepted results the webhook accepted (202)
 * @param delivered DELIVERED
 * @param failedByReason FAILED (or EXPIRED) with a reason, by reason
 * @param open result ids not DELIVERED and not FAILED with a reason, with their state
 * @param duplicateClaims sum of the ledger's duplicate_claims
 */
record LedgerVerdict(int accepted, int delivered, Map<FailureReason, Integer> failedByReason,
    Map<String, String> open, long duplicateClaims) {

  /**
   * Waits until every result is DELIVERED (while {@code atMost} lasts), then judges: a result
   * still FAILED with a reason at the deadline counts as failed, one missing, PENDING or
   * DELIVERING as open. Tolerates admin-api being briefly unavailable.
   */
  static LedgerVerdict awaitDelivered(
      Supplier<DeliveryAdminGrpc.DeliveryAdminBlockingStub> admin, Collection<String> resultIds,
      Duration atMost) {
    Map<String, Delivery> latest = new ConcurrentHashMap<>();
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> refresh(admin, resultIds, latest));
    } catch (ConditionTimeoutException e) {
      // judged below: results FAILED with a reason are accounted for, the rest are open
    }
    return judge(resultIds, latest);
  }

  /**
   * Waits until every result is DELIVERED or FAILED/EXPIRED with a reason (for results whose
   * terminal never comes back), then judges as {@link #awaitDelivered} does.
   */
  static LedgerVerdict awaitSettled(
      Supplier<DeliveryAdminGrpc.DeliveryAdminBlockingStub> admin, Collection<String> resultIds,
      Duration atMost) {
    Map<String, Delivery> latest = new ConcurrentHashMap<>();
    try {
      await().atMost(atMost).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> {
            refresh(admin, resultIds, latest);
            return judge(resultIds, latest).lost() == 0;
          });
    } catch (ConditionTimeoutException e) {
      // judged below
    }
    return judge(resultIds, latest);
  }

  private static boolean refresh(Supplier<DeliveryAdminGrpc.DeliveryAdminBlockingStub> admin,
      Collection<String> resultIds, Map<String, Delivery> latest) {
    boolean allDelivered = true;
    for (String id : resultIds) {
      Delivery known = latest.get(id);
      if (known != null && known.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED) {
        continue;
      }
      try {
        Delivery d = admin.get().getDelivery(GetDeliveryRequest.newBuilder().setResultId(id).build());
        latest.put(id, d);
        allDelivered &= d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED;
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
        allDelivered = false;
      }
    }
    return allDelivered;
  }

  private static LedgerVerdict judge(Collection<String> resultIds, Map<String, Delivery> latest) {
    int delivered = 0;
    long duplicates = 0;
    Map<FailureReason, Integer> failed = new TreeMap<>();
    Map<String, String> open = new TreeMap<>();
    for (String id : resultIds) {
      Delivery d = latest.get(id);
      if (d == null) {
        open.put(id, "missing");
        continue;
      }
      duplicates += d.getDuplicateClaims();
      DeliveryStatus status = d.getStatus();
      boolean hasReason = d.getFailureReason() != FailureReason.FAILURE_REASON_UNSPECIFIED;
      if (status == DeliveryStatus.DELIVERY_STATUS_DELIVERED) {
        delivered++;
      } else if ((status == DeliveryStatus.DELIVERY_STATUS_FAILED
          || status == DeliveryStatus.DELIVERY_STATUS_EXPIRED) && hasReason) {
        failed.merge(d.getFailureReason(), 1, Integer::sum);
      } else {
        open.put(id, status + "/" + d.getFailureReason());
      }
    }
    return new LedgerVerdict(resultIds.size(), delivered, failed, open, duplicates);
  }

  /** Results neither DELIVERED nor FAILED with a reason: lost. */
  int lost() {
    return open.size();
  }

  int failed() {
    return failedByReason.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** One line for the drill's output. */
  String summary() {
    List<String> someOpen = new ArrayList<>(open.entrySet().stream().limit(5)
        .map(e -> e.getKey() + "=" + e.getValue()).toList());
    return "accepted=" + accepted + " delivered=" + delivered + " failed=" + failedByReason
        + " lost=" + lost() + (someOpen.isEmpty() ? "" : " e.g. " + someOpen)
        + " ledger-duplicate-claims=" + duplicateClaims;
  }
}
