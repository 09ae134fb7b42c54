package io.posrelay.relay.delivery;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Bounds the recovery asks in flight on this node: at most {@code maxInFlight} calls run at
 * once; the rest wait in FIFO order. A reconnect storm therefore reaches admin-api as a steady
 * stream instead of one burst of thousands of calls.
 *
 * <p>The queue holds at most one ticket per live session (a session asks again only after its
 * previous ask answered), so it is bounded by the connection limit. A ticket cancelled because
 * its session closed is skipped when it reaches the head, and cancelled tickets are purged once
 * they outnumber the live ones.
 *
 * <p>Thread-safe and lock-free: {@link #submit} and {@link #cancel} never block, so they may be
 * called on event loops; a call is started on the thread that submits it or that sees an earlier
 * call complete.
 */
final class RecoveryScheduler {
  /** Cancelled tickets tolerated in the queue before a purge, whatever the live count. */
  static final int PURGE_MIN = 1024;

  private static final int QUEUED = 0;
  private static final int TAKEN = 1;
  private static final int CANCELLED = 2;
  private static final int GONE = 3;

  /** One call waiting for a permit. */
  static final class Ticket {
    private final Supplier<? extends CompletionStage<?>> call;
    private final AtomicInteger state = new AtomicInteger(QUEUED);

    private Ticket(Supplier<? extends CompletionStage<?>> call) {
      this.call = call;
    }
  }

  private final int maxInFlight;
  private final Queue<Ticket> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger cancelledInQueue = new AtomicInteger();
  /** Set while this thread drains, so that a call completing at once does not recurse. */
  private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);

  /** @param maxInFlight most calls running at once, >= 1 */
  RecoveryScheduler(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    this.maxInFlight = maxInFlight;
  }

  /**
   * Queues a call, and starts it at once if a permit is free. The permit is held until the
   * returned stage completes (a call that throws completes at once).
   *
   * @param call starts the call; must not block
   * @return the ticket, for {@link #cancel}
   */
  Ticket submit(Supplier<? extends CompletionStage<?>> call) {
    Ticket ticket = new Ticket(call);
    queued.incrementAndGet();
    queue.offer(ticket);
    drain();
    return ticket;
  }

  /**
   * Drops a ticket that has not started; does nothing if its call already started.
   *
   * @param ticket from {@link #submit}
   */
  void cancel(Ticket ticket) {
    if (ticket.state.compareAndSet(QUEUED, CANCELLED)) {
      queued.decrementAndGet();
      if (cancelledInQueue.incrementAndGet() > Math.max(PURGE_MIN, queued.get())) {
        queue.removeIf(this::forget);
      }
    }
  }

  /** Calls running now. */
  int inFlight() {
    return inFlight.get();
  }

  /** Tickets waiting for a permit, not counting cancelled ones. */
  int queued() {
    return queued.get();
  }

  private void drain() {
    if (draining.get()) {
      return; // the loop below, further up this thread's stack, sees the freed permit
    }
    draining.set(true);
    try {
      while (true) {
        int running = inFlight.get();
        if (running >= maxInFlight) {
          return;
        }
        if (!inFlight.compareAndSet(running, running + 1)) {
          continue;
        }
        Ticket next = pollLive();
        if (next == null) {
          inFlight.decrementAndGet();
          // A ticket offered while this thread held the permit found none free: look again.
          if (queue.isEmpty()) {
            return;
          }
          continue;
        }
        start(next);
      }
    } finally {
      draining.set(false);
    }
  }

  private void start(Ticket ticket) {
    CompletionStage<?> done;
    try {
      done = ticket.call.get();
    } catch (RuntimeException e) {
      done = CompletableFuture.failedFuture(e);
    }
    done.whenComplete((ignored, error) -> {
      inFlight.decrementAndGet();
      drain();
    });
  }

  private @Nullable Ticket pollLive() {
    Ticket ticket;
    while ((ticket = queue.poll()) != null) {
      if (ticket.state.compareAndSet(QUEUED, TAKEN)) {
        queued.decrementAndGet();
        return ticket;
      }
      forget(ticket);
    }
    return null;
  }

  /** Whether a ticket may leave the queue; counts a cancelled one out exactly once. */
  private boolean forget(Ticket ticket) {
    if (ticket.state.compareAndSet(CANCELLED, GONE)) {
      cancelledInQueue.decrementAndGet();
      return true;
    }
    return ticket.state.get() == GONE;
  }
}
