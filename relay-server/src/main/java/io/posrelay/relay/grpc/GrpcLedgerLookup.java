package io.posrelay.relay.grpc;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.relay.inquiry.LedgerLookup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Answers status inquiries from admin-api's ledger over the channel recovery uses (same target,
 * TLS, operator token and client meters): {@code GetDelivery} by result_id, and {@code
 * ListDeliveries} of one terminal, newest first (admin-api routes a one-terminal listing to the
 * instance that owns the terminal's partition). Asynchronous stub; each call has {@code
 * deadline}. NOT_FOUND is an empty answer; every other failure fails the stage with its {@link
 * io.grpc.StatusRuntimeException}.
 *
 * <p>Does not own the channel ({@link GrpcUndeliveredResults} closes it). Thread-safe.
 */
public final class GrpcLedgerLookup implements LedgerLookup {
  private final DeliveryAdminGrpc.DeliveryAdminStub stub;
  private final Duration deadline;

  /**
   * @param channel the channel to admin-api; not closed by this
   * @param token the operator token every call carries; "" = none
   * @param deadline the deadline of each call, > 0
   */
  public GrpcLedgerLookup(ManagedChannel channel, String token, Duration deadline) {
    this(token.isEmpty() ? DeliveryAdminGrpc.newStub(channel)
        : DeliveryAdminGrpc.newStub(channel).withInterceptors(BearerToken.attach(token)),
        deadline);
  }

  /** Over {@code stub}, which already carries the token; see {@link GrpcUndeliveredResults}. */
  GrpcLedgerLookup(DeliveryAdminGrpc.DeliveryAdminStub stub, Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
    }
    this.stub = stub;
    this.deadline = deadline;
  }

  @Override
  public CompletionStage<Optional<Delivery>> delivery(String resultId) {
    CompletableFuture<Optional<Delivery>> done = new CompletableFuture<>();
    timed().getDelivery(GetDeliveryRequest.newBuilder().setResultId(resultId).build(),
        new Unary<>(done, Optional::of, Optional.empty()));
    return done;
  }

  @Override
  public CompletionStage<List<Delivery>> newest(String terminalId, int limit) {
    CompletableFuture<List<Delivery>> done = new CompletableFuture<>();
    timed().listDeliveries(ListDeliveriesRequest.newBuilder()
            .setTerminalId(terminalId)
            .setPageSize(limit)
            .build(),
        new Unary<ListDeliveriesResponse, List<Delivery>>(done,
            ListDeliveriesResponse::getDeliveriesList, null));
    return done;
  }

  private DeliveryAdminGrpc.DeliveryAdminStub timed() {
    return stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One unary call's answer into {@code done}. */
  private static final class Unary<R, T> implements StreamObserver<R> {
    private final CompletableFuture<T> done;
    private final Function<R, T> map;
    private final @Nullable T ifNotFound;

    /** @param ifNotFound the answer to NOT_FOUND; null = NOT_FOUND fails like any status */
    Unary(CompletableFuture<T> done, Function<R, T> map, @Nullable T ifNotFound) {
      this.done = done;
      this.map = map;
      this.ifNotFound = ifNotFound;
    }

    @Override
    public void onNext(R value) {
      done.complete(map.apply(value));
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      if (ifNotFound != null && status.getCode() == Status.Code.NOT_FOUND) {
        done.complete(ifNotFound);
      } else {
        done.completeExceptionally(status.asRuntimeException());
      }
    }

    @Override
    public void onCompleted() {
      done.completeExceptionally(
          Status.INTERNAL.withDescription("no response").asRuntimeException()); // no-op if done
    }
  }
}
