package io.posrelay.relayctl.admin;

import io.grpc.Context;
import io.grpc.Context.CancellableContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.v1.DeliveryAdminGrpc.DeliveryAdminBlockingStub;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The loop of {@code relayctl admin watch}: reads WatchDeliveryEvents and hands each event to a
 * printer until {@link #stop()}, the time limit or the event limit. When the stream breaks with
 * UNAVAILABLE (admin-api unreachable or shutting down), RESOURCE_EXHAUSTED (cut off as a slow
 * reader) or ends, it says so on stderr and reconnects after a backoff of 250 ms doubling to 8 s
 * (reset once a stream has lasted 8 s). The stream is not a replay: events between two
 * connections are missed, which the stderr line says.
 *
 * <p>{@link #run()} runs on one thread; {@link #stop()} may be called from any other.
 */
final class EventWatch {
  static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(8);

  private final DeliveryAdminBlockingStub stub;
  private final WatchDeliveryEventsRequest request;
  private final Duration limit;
  private final long maxEvents;
  private final Consumer<DeliveryEvent> printer;
  private final PrintWriter err;
  private final String address;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile @Nullable CancellableContext current;
  private long received;

  /**
   * @param stub a stub without a deadline
   * @param request the filters
   * @param limit how long to watch; {@link Duration#ZERO} = until {@link #stop()}
   * @param maxEvents stop after this many events; 0 = no limit
   * @param printer prints one event (and flushes)
   * @param err where reconnections are reported
   * @param address admin-api's address, for messages
   */
  EventWatch(
      DeliveryAdminBlockingStub stub,
      WatchDeliveryEventsRequest request,
      Duration limit,
      long maxEvents,
      Consumer<DeliveryEvent> printer,
      PrintWriter err,
      String address) {
    this.stub = stub;
    this.request = request;
    this.limit = limit;
    this.maxEvents = maxEvents;
    this.printer = printer;
    this.err = err;
    this.address = address;
  }

  /**
   * Watches until stopped, the time limit or the event limit.
   *
   * @return the number of events printed
   * @throws StatusRuntimeException if the stream fails with a status other than UNAVAILABLE or
   *     RESOURCE_EXHAUSTED (e.g. INVALID_ARGUMENT, PERMISSION_DENIED)
   */
  long run() {
    long endNanos = System.nanoTime() + limit.toNanos();
    Duration backoff = FIRST_BACKOFF;
    while (!stopped() && !eventLimitReached()) {
      long remainingNanos = endNanos - System.nanoTime();
      if (!limit.isZero() && remainingNanos <= 0) {
        break;
      }
      long startedNanos = System.nanoTime();
      String why;
      try {
        readStream(limit.isZero()
            ? stub
            : stub.withDeadlineAfter(remainingNanos, TimeUnit.NANOSECONDS));
        if (stopped() || eventLimitReached()) {
          break;
        }
        why = "admin-api ended the stream";
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (stopped() || (code == Status.Code.DEADLINE_EXCEEDED && !limit.isZero())) {
          break;
        }
        if (code != Status.Code.UNAVAILABLE && code != Status.Code.RESOURCE_EXHAUSTED) {
          throw e;
        }
        why = code + ": " + describe(e.getStatus());
      }
      if (System.nanoTime() - startedNanos >= MAX_BACKOFF.toNanos()) {
        backoff = FIRST_BACKOFF;
      }
      err.println("watch: " + why + "; reconnecting in " + backoff.toMillis()
          + " ms (events meanwhile are missed: re-read them with 'admin list')");
      err.flush();
      if (awaitStop(backoff, endNanos)) {
        break;
      }
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
          ? MAX_BACKOFF
          : backoff.multipliedBy(2);
    }
    return received;
  }

  /** Ends {@link #run()} soon: cancels the stream or the backoff wait. Any thread. */
  void stop() {
    stopRequested.countDown();
    CancellableContext context = current;
    if (context != null) {
      context.cancel(null);
    }
  }

  private void readStream(DeliveryAdminBlockingStub callStub) {
    CancellableContext context = Context.current().withCancellation();
    current = context;
    Context previous = context.attach();
    try {
      if (stopped()) {
        return;
      }
      Iterator<DeliveryEvent> events = callStub.watchDeliveryEvents(request);
      while (events.hasNext()) {
        printer.accept(events.next());
        received++;
        if (eventLimitReached()) {
          return;
        }
      }
    } finally {
      context.detach(previous);
      current = null;
      context.cancel(null);
    }
  }

  private boolean awaitStop(Duration backoff, long endNanos) {
    long waitNanos = backoff.toNanos();
    if (!limit.isZero()) {
      waitNanos = Math.min(waitNanos, Math.max(0, endNanos - System.nanoTime()));
    }
    try {
      return stopRequested.await(waitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private String describe(Status status) {
    if (status.getCode() == Status.Code.UNAVAILABLE && status.getCause() != null) {
      return "admin-api is unreachable at " + address;
    }
    String description = status.getDescription();
    return description == null ? "(no description)" : description;
  }

  private boolean stopped() {
    return stopRequested.getCount() == 0 || Thread.currentThread().isInterrupted();
  }

  private boolean eventLimitReached() {
    return maxEvents > 0 && received >= maxEvents;
  }
}
