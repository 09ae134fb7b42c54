package io.posrelay.admin.grpc;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.ledger.LedgerPage;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerQuery;
import io.posrelay.admin.ledger.LedgerStats;
import io.posrelay.admin.ledger.TerminalOwner;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The ledger of the whole application: this instance's partitions ({@link LedgerQueries}) plus
 * every peer's, asked with {@link LocalOnly}, and the answers merged — a record from whichever
 * instance has it, listings merge-sorted by position and cut to the page size, counts summed.
 *
 * <p><b>In parallel, with one deadline.</b> The peers are asked all at once over asynchronous
 * stubs, each call with the caller's one {@link Deadline}; nothing waits on a thread meanwhile:
 * each method reads the local stores on the calling thread and returns a future that the last
 * peer's answer (on a gRPC client thread) completes. A peer that does not answer by the deadline
 * (or cannot answer at all) makes the query UNAVAILABLE rather than silently partial; the first
 * such failure ends the query at once.
 *
 * <p><b>Routed when it can be.</b> The store key is result_id but records are partitioned by
 * terminal_id, so a lookup by result_id asks every instance. A listing of one terminal (a relay's
 * recovery ask, {@code relayctl admin list --terminal}) goes only to the instance that holds that
 * terminal's partition ({@link Peers#ownerOfTerminal}): this one, or one peer; every instance only
 * while that is unknown (a rebalance).
 *
 * <p>Thread-safe; holds no mutable state.
 */
final class ClusterQueries {
  private static final String PEER_FAILED = "another admin-api instance could not answer: ";

  private final LedgerQueries local;
  private final Peers peers;

  ClusterQueries(LedgerQueries local, Peers peers) {
    this.local = local;
    this.peers = peers;
  }

  /**
   * The delivery of {@code resultId} from whichever instance holds it.
   *
   * @throws io.posrelay.admin.ledger.LedgerUnavailableException if this instance's stores cannot
   *     be read now (thrown, not in the future)
   */
  CompletableFuture<Optional<Delivery>> get(String resultId, Deadline deadline) {
    Optional<Delivery> here = local.get(resultId);
    List<DeliveryAdminGrpc.DeliveryAdminStub> others = peers.stubs();
    if (here.isPresent() || LocalOnly.requested() || others.isEmpty()) {
      return CompletableFuture.completedFuture(here);
    }
    GetDeliveryRequest request = GetDeliveryRequest.newBuilder().setResultId(resultId).build();
    CompletableFuture<Optional<Delivery>> answer = new CompletableFuture<>();
    AtomicInteger pending = new AtomicInteger(others.size());
    List<StatusRuntimeException> failures = new CopyOnWriteArrayList<>();
    for (DeliveryAdminGrpc.DeliveryAdminStub peer : others) {
      call(peer.withDeadline(deadline), DeliveryAdminGrpc.DeliveryAdminStub::getDelivery, request)
          .whenComplete((found, error) -> {
            if (error == null) {
              answer.complete(Optional.of(found)); // a record lives on one instance only
            } else if (Status.fromThrowable(error).getCode() != Status.Code.NOT_FOUND) {
              failures.add(unavailable(error));
            }
            if (pending.decrementAndGet() == 0) {
              if (failures.isEmpty()) {
                answer.complete(Optional.empty());
              } else {
                answer.completeExceptionally(failures.get(0));
              }
            }
          });
    }
    return answer;
  }

  /**
   * One page over every instance (or over the one that holds the listing's terminal). Each source
   * returns at most {@code limit} records after {@code cursor} and, if it has more, where it
   * stopped; records past the earliest such stop are left for the next page, since that source
   * may hold records before them.
   *
   * @throws io.posrelay.admin.ledger.LedgerUnavailableException if this instance's stores cannot
   *     be read now and the listing needs them (thrown, not in the future)
   */
  CompletableFuture<LedgerPage> list(ListDeliveriesRequest request, LedgerQuery query,
      long filterHash, int limit, @Nullable String cursor, Deadline deadline) {
    if (LocalOnly.requested()) {
      return CompletableFuture.completedFuture(local.list(query, limit, cursor));
    }
    ListDeliveriesRequest toPeer = request.toBuilder()
        .setPageSize(limit)
        .setPageToken(cursor == null ? "" : PageToken.encode(filterHash, cursor))
        .build();
    TerminalOwner owner = query.terminalId().isEmpty()
        ? TerminalOwner.UNKNOWN : peers.ownerOfTerminal(query.terminalId());
    if (owner instanceof TerminalOwner.Here) {
      return CompletableFuture.completedFuture(local.list(query, limit, cursor));
    }
    if (owner instanceof TerminalOwner.Peer peer) {
      return call(peers.stub(peer.address()).withDeadline(deadline),
          DeliveryAdminGrpc.DeliveryAdminStub::listDeliveries, toPeer)
          .handle((page, error) -> {
            if (error != null) {
              throw unavailable(error);
            }
            return new LedgerPage(page.getDeliveriesList(), page.getNextPageToken().isEmpty()
                ? null : PageToken.decode(page.getNextPageToken(), filterHash));
          });
    }
    LedgerPage here = local.list(query, limit, cursor);
    List<CompletableFuture<ListDeliveriesResponse>> asked = new ArrayList<>();
    for (DeliveryAdminGrpc.DeliveryAdminStub peer : peers.stubs()) {
      asked.add(call(peer.withDeadline(deadline),
          DeliveryAdminGrpc.DeliveryAdminStub::listDeliveries, toPeer));
    }
    return all(asked).thenApply(pages -> merge(here, pages, filterHash, limit));
  }

  private static LedgerPage merge(LedgerPage here, List<ListDeliveriesResponse> pages,
      long filterHash, int limit) {
    List<Delivery> all = new ArrayList<>(here.deliveries());
    String bound = here.next();
    for (ListDeliveriesResponse page : pages) {
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

  /**
   * The counts of every instance, summed (the oldest pending age: the largest).
   *
   * @throws io.posrelay.admin.ledger.LedgerUnavailableException if this instance's stores cannot
   *     be read now (thrown, not in the future)
   */
  CompletableFuture<LedgerStats> stats(long nowMs, Deadline deadline) {
    LedgerStats here = local.stats(nowMs);
    if (LocalOnly.requested()) {
      return CompletableFuture.completedFuture(here);
    }
    List<CompletableFuture<GetStatsResponse>> asked = new ArrayList<>();
    for (DeliveryAdminGrpc.DeliveryAdminStub peer : peers.stubs()) {
      asked.add(call(peer.withDeadline(deadline), DeliveryAdminGrpc.DeliveryAdminStub::getStats,
          GetStatsRequest.getDefaultInstance()));
    }
    return all(asked).thenApply(answers -> {
      Map<DeliveryStatus, Long> byStatus = new EnumMap<>(DeliveryStatus.class);
      byStatus.putAll(here.byStatus());
      Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
      byReason.putAll(here.byReason());
      Duration oldest = here.oldestPendingAge();
      long duplicates = here.duplicateClaims();
      long conflicts = here.conflicts();
      for (GetStatsResponse stats : answers) {
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
        conflicts += stats.getConflicts();
      }
      return new LedgerStats(byStatus, byReason, oldest, duplicates, conflicts);
    });
  }

  /** One asynchronous unary call as a future, completed on a gRPC client thread. */
  private static <Q, R> CompletableFuture<R> call(DeliveryAdminGrpc.DeliveryAdminStub stub,
      Method<Q, R> method, Q request) {
    CompletableFuture<R> answer = new CompletableFuture<>();
    method.call(stub, request, new StreamObserver<>() {
      @Override
      public void onNext(R response) {
        answer.complete(response);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!answer.isDone()) { // a unary call always has its response first
          answer.completeExceptionally(
              Status.INTERNAL.withDescription("no response").asRuntimeException());
        }
      }
    });
    return answer;
  }

  /** An asynchronous stub's unary method. */
  private interface Method<Q, R> {
    void call(DeliveryAdminGrpc.DeliveryAdminStub stub, Q request, StreamObserver<R> response);
  }

  /**
   * Every answer, in order; or UNAVAILABLE as soon as one peer fails (the others' calls end by
   * the same deadline on their own).
   */
  private static <R> CompletableFuture<List<R>> all(List<CompletableFuture<R>> asked) {
    CompletableFuture<List<R>> answer = new CompletableFuture<>();
    if (asked.isEmpty()) {
      answer.complete(List.of());
      return answer;
    }
    AtomicInteger pending = new AtomicInteger(asked.size());
    BiConsumer<R, Throwable> onEach = (response, error) -> {
      if (error != null) {
        answer.completeExceptionally(unavailable(error));
      } else if (pending.decrementAndGet() == 0) {
        answer.complete(asked.stream().map(CompletableFuture::join).toList());
      }
    };
    for (CompletableFuture<R> one : asked) {
      one.whenComplete(onEach);
    }
    return answer;
  }

  private static StatusRuntimeException unavailable(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof StatusRuntimeException e
        && e.getStatus().getCode() == Status.Code.UNAVAILABLE
        && e.getStatus().getDescription() != null
        && e.getStatus().getDescription().startsWith(PEER_FAILED)) {
      return e; // already said
    }
    return Status.UNAVAILABLE
        .withDescription(PEER_FAILED + Status.fromThrowable(cause))
        .withCause(cause)
        .asRuntimeException();
  }
}
