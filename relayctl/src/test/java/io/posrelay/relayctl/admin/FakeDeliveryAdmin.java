package io.posrelay.relayctl.admin;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A scripted DeliveryAdmin: each method answers with its handler (a thrown StatusRuntimeException
 * becomes the call's status) and records the requests it got.
 */
final class FakeDeliveryAdmin extends DeliveryAdminGrpc.DeliveryAdminImplBase {
  final List<Object> requests = new CopyOnWriteArrayList<>();

  volatile Function<ListDeliveriesRequest, ListDeliveriesResponse> list =
      r -> ListDeliveriesResponse.getDefaultInstance();
  volatile Function<GetDeliveryRequest, Delivery> get =
      r -> { throw notFound(r.getResultId()); };
  volatile Function<RetryDeliveryRequest, Delivery> retry =
      r -> { throw notFound(r.getResultId()); };
  volatile Function<GetStatsRequest, GetStatsResponse> stats =
      r -> GetStatsResponse.getDefaultInstance();
  /** Called once per WatchDeliveryEvents call with its 0-based index. */
  volatile WatchScript watch = (index, request, observer) -> observer.onCompleted();
  /** When true, unary calls never answer (for deadlines). */
  volatile boolean silent;

  private final AtomicInteger watchCalls = new AtomicInteger();

  /** A scripted server stream. */
  @FunctionalInterface
  interface WatchScript {
    void run(int index, WatchDeliveryEventsRequest request, StreamObserver<DeliveryEvent> out);
  }

  static StatusRuntimeException notFound(String resultId) {
    return Status.NOT_FOUND.withDescription("no delivery with result_id " + resultId)
        .asRuntimeException();
  }

  <T> T lastRequest(Class<T> type) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      if (type.isInstance(requests.get(i))) {
        return type.cast(requests.get(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " received");
  }

  <T> List<T> requestsOf(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  @Override
  public void listDeliveries(
      ListDeliveriesRequest request, StreamObserver<ListDeliveriesResponse> observer) {
    answer(request, observer, list);
  }

  @Override
  public void getDelivery(GetDeliveryRequest request, StreamObserver<Delivery> observer) {
    answer(request, observer, get);
  }

  @Override
  public void retryDelivery(RetryDeliveryRequest request, StreamObserver<Delivery> observer) {
    answer(request, observer, retry);
  }

  @Override
  public void getStats(GetStatsRequest request, StreamObserver<GetStatsResponse> observer) {
    answer(request, observer, stats);
  }

  @Override
  public void watchDeliveryEvents(
      WatchDeliveryEventsRequest request, StreamObserver<DeliveryEvent> observer) {
    requests.add(request);
    watch.run(watchCalls.getAndIncrement(), request, observer);
  }

  private <Q, R> void answer(Q request, StreamObserver<R> observer, Function<Q, R> handler) {
    requests.add(request);
    if (silent) {
      return;
    }
    try {
      observer.onNext(handler.apply(request));
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    }
  }
}
