package io.posrelay.admin.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.ledger.LedgerUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How DeliveryAdmin serves a unary call without holding a thread while it waits: the handler, on
 * the gRPC executor, starts the work with the call's one deadline ({@link #deadline}) and returns;
 * the answer, or the failure as a status, is written from whichever thread completes the work (the
 * handler itself, a gRPC client thread of a peer call, Kafka's producer thread). Stateless.
 */
final class UnaryCalls {
  private static final Logger log = LoggerFactory.getLogger(UnaryCalls.class);

  private UnaryCalls() {}

  /** A unary call's work: given its deadline, the future of its response. */
  interface Work<T> {
    /**
     * Starts the work; may throw (a bad request, the ledger unavailable) instead of failing the
     * future.
     */
    CompletionStage<T> start(Deadline deadline);
  }

  /**
   * Runs a unary call: fails it at once if it is already over, else starts {@code work} on this
   * thread and answers {@code observer} when it completes, mapping failures to statuses
   * ({@link StatusRuntimeException} as is, {@link LedgerUnavailableException} as UNAVAILABLE,
   * anything else as UNKNOWN and logged).
   */
  static <T> void serve(StreamObserver<T> observer, Work<T> work) {
    CompletionStage<T> answer;
    try {
      checkNotOver();
      answer = work.start(deadline());
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((response, error) -> {
      try {
        if (error == null) {
          observer.onNext(response);
          observer.onCompleted();
        } else {
          observer.onError(status(error));
        }
      } catch (RuntimeException callOver) { // cancelled meanwhile: nobody is listening
        log.debug("answer not written: {}", callOver.toString());
      }
    });
  }

  /**
   * The current call's one deadline: its client's, or {@link DeliveryAdminService#CALL_DEADLINE}
   * from now if that comes first. Call on the handler's thread (it reads the call's context).
   */
  static Deadline deadline() {
    Deadline own = Deadline.after(
        DeliveryAdminService.CALL_DEADLINE.toNanos(), TimeUnit.NANOSECONDS);
    Deadline client = Context.current().getDeadline();
    return client == null ? own : client.minimum(own);
  }

  /**
   * Fails fast if the client has gone or its deadline passed while the call was queued.
   *
   * @throws StatusRuntimeException CANCELLED or DEADLINE_EXCEEDED
   */
  static void checkNotOver() {
    Context context = Context.current();
    if (context.isCancelled()) {
      Status status = Contexts.statusFromCancelled(context);
      throw (status == null ? Status.CANCELLED : status)
          .augmentDescription("call was over before it was served")
          .asRuntimeException();
    }
  }

  /** The failure behind any {@link CompletionException} wrappers. */
  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  private static StatusRuntimeException status(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof StatusRuntimeException e) {
      return e;
    }
    if (cause instanceof LedgerUnavailableException e) {
      return Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e).asRuntimeException();
    }
    log.warn("DeliveryAdmin call failed", cause);
    return Status.fromThrowable(cause).asRuntimeException();
  }
}
