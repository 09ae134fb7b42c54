package io.posrelay.admin.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.ledger.LedgerPage;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerQuery;
import io.posrelay.admin.ledger.LedgerStats;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.ReasonCount;
import io.posrelay.admin.v1.StatusCount;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The ledger of the whole application: this instance's partitions ({@link LedgerQueries}) plus
 * every peer's, asked with {@link LocalOnly}. The store key is result_id but records are
 * partitioned by terminal_id, so no lookup can be routed by key: every query goes to every
 * instance that holds partitions, and the answers are merged — a record from whichever instance
 * has it, listings merge-sorted by position and cut to the page size, counts summed. If a peer
 * cannot answer, the query is UNAVAILABLE rather than silently partial. Thread-safe.
 */
final class ClusterQueries {
  private static final Duration PEER_DEADLINE = Duration.ofSeconds(10);

  private final LedgerQueries local;
  private final Peers peers;

  ClusterQueries(LedgerQueries local, Peers peers) {
    this.local = local;
    this.peers = peers;
  }

  Optional<Delivery> get(String resultId) {
    Optional<Delivery> here = local.get(resultId);
    if (here.isPresent() || LocalOnly.requested()) {
      return here;
    }
    for (DeliveryAdminGrpc.DeliveryAdminBlockingStub peer : peers()) {
      try {
        return Optional.of(peer.getDelivery(
            GetDeliveryRequest.newBuilder().setResultId(resultId).build()));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw unavailable(e);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * One page over every instance. Each source returns at most {@code limit} records after {@code
   * cursor} and, if it has more, where it stopped; records past the earliest such stop are left
   * for the next page, since that source may hold records before them.
   */
  LedgerPage list(ListDeliveriesRequest request, LedgerQuery query, long filterHash, int limit,
      @Nullable String cursor) {
    LedgerPage here = local.list(query, limit, cursor);
    if (LocalOnly.requested()) {
      return here;
    }
    List<Delivery> all = new ArrayList<>(here.deliveries());
    String bound = here.next();
    ListDeliveriesRequest toPeer = request.toBuilder()
        .setPageSize(limit)
        .setPageToken(cursor == null ? "" : PageToken.encode(filterHash, cursor))
        .build();
    for (DeliveryAdminGrpc.DeliveryAdminBlockingStub peer : peers()) {
      ListDeliveriesResponse page;
      try {
        page = peer.listDeliveries(toPeer);
      } catch (StatusRuntimeException e) {
        throw unavailable(e);
      }
      all.addAll(page.getDeliveriesList());
      if (!page.getNextPageToken().isEmpty()) {
        String next = PageToken.decode(page.getNextPageToken(), filterHash);
        bound = bound == null || next.compareTo(bound) < 0 ? next : bound;
      }
    }
    String cut = bound;
    List<Delivery> candidates = all.stream()
        .filter(d -> cut == null || LedgerQueries.positionOf(d).compareTo(cut) <= 0)
        .sorted(Comparator.comparing(LedgerQueries::positionOf))
        .toList();
    if (candidates.size() > limit) {
      List<Delivery> page = candidates.subList(0, limit);
      return new LedgerPage(page, LedgerQueries.positionOf(page.get(limit - 1)));
    }
    return new LedgerPage(candidates, bound);
  }

  LedgerStats stats(long nowMs) {
    LedgerStats here = local.stats(nowMs);
    if (LocalOnly.requested()) {
      return here;
    }
    Map<DeliveryStatus, Long> byStatus = new EnumMap<>(DeliveryStatus.class);
    byStatus.putAll(here.byStatus());
    Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
    byReason.putAll(here.byReason());
    Duration oldest = here.oldestPendingAge();
    long duplicates = here.duplicateClaims();
    for (DeliveryAdminGrpc.DeliveryAdminBlockingStub peer : peers()) {
      GetStatsResponse stats;
      try {
        stats = peer.getStats(GetStatsRequest.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        throw unavailable(e);
      }
      for (StatusCount c : stats.getStatusCountsList()) {
        byStatus.merge(c.getStatus(), c.getCount(), Long::sum);
      }
      for (ReasonCount c : stats.getReasonCountsList()) {
        byReason.merge(c.getReason(), c.getCount(), Long::sum);
      }
      Duration age = Duration.ofSeconds(stats.getOldestPendingAge().getSeconds(),
          stats.getOldestPendingAge().getNanos());
      oldest = age.compareTo(oldest) > 0 ? age : oldest;
      duplicates += stats.getDuplicateClaims();
    }
    return new LedgerStats(byStatus, byReason, oldest, duplicates);
  }

  private List<DeliveryAdminGrpc.DeliveryAdminBlockingStub> peers() {
    Deadline callDeadline = Context.current().getDeadline();
    Deadline deadline = callDeadline != null
        ? callDeadline
        : Deadline.after(PEER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    return peers.stubs().stream().map(s -> s.withDeadline(deadline)).toList();
  }

  private static StatusRuntimeException unavailable(StatusRuntimeException e) {
    return Status.UNAVAILABLE
        .withDescription("another admin-api instance could not answer: " + e.getStatus())
        .withCause(e)
        .asRuntimeException();
  }
}
