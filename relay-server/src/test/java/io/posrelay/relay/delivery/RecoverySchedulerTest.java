package io.posrelay.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The bound on recovery asks in flight, without sessions or a ledger. */
class RecoverySchedulerTest {
  private final List<Integer> started = new ArrayList<>();
  private final List<CompletableFuture<Void>> calls = new ArrayList<>();

  private RecoveryScheduler.Ticket submit(RecoveryScheduler scheduler, int id) {
    return scheduler.submit(() -> {
      started.add(id);
      CompletableFuture<Void> call = new CompletableFuture<>();
      calls.add(call);
      return call;
    });
  }

  @Test
  void callsBeyondTheLimit_waitInOrder_andStartAsPermitsFree() {
    RecoveryScheduler scheduler = new RecoveryScheduler(2);
    for (int i = 0; i < 5; i++) {
      submit(scheduler, i);
    }
    assertThat(started).containsExactly(0, 1);
    assertThat(scheduler.queued()).isEqualTo(3);

    calls.get(1).completeExceptionally(new IllegalStateException("failed calls free a permit"));
    calls.get(0).complete(null);

    assertThat(started).containsExactly(0, 1, 2, 3);
    assertThat(scheduler.inFlight()).isEqualTo(2);
    assertThat(scheduler.queued()).isEqualTo(1);
  }

  @Test
  void cancelledTicket_isSkipped_andCancellingAStartedOneDoesNothing() {
    RecoveryScheduler scheduler = new RecoveryScheduler(1);
    RecoveryScheduler.Ticket running = submit(scheduler, 0);
    RecoveryScheduler.Ticket closed = submit(scheduler, 1);
    submit(scheduler, 2);

    scheduler.cancel(closed);
    scheduler.cancel(running);
    calls.get(0).complete(null);

    assertThat(started).containsExactly(0, 2);
    assertThat(scheduler.inFlight()).isEqualTo(1);
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void manyCancelledTickets_arePurged_andTheRestStillRun() {
    RecoveryScheduler scheduler = new RecoveryScheduler(1);
    submit(scheduler, -1);
    List<RecoveryScheduler.Ticket> waiting = new ArrayList<>();
    for (int i = 0; i < 3 * RecoveryScheduler.PURGE_MIN; i++) {
      waiting.add(submit(scheduler, i));
    }
    for (int i = 0; i < waiting.size() - 1; i++) {
      scheduler.cancel(waiting.get(i));
    }

    calls.get(0).complete(null);

    assertThat(started).containsExactly(-1, waiting.size() - 1);
    assertThat(scheduler.queued()).isZero();
  }

  @Test
  void callsThatCompleteAtOnce_doNotRecurse() {
    RecoveryScheduler scheduler = new RecoveryScheduler(1);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    scheduler.submit(() -> gate);
    int[] ran = new int[1];
    for (int i = 0; i < 100_000; i++) {
      scheduler.submit(() -> {
        ran[0]++;
        return CompletableFuture.completedFuture(null);
      });
    }

    gate.complete(null); // would overflow the stack if each completion drained recursively

    assertThat(ran[0]).isEqualTo(100_000);
    assertThat(scheduler.inFlight()).isZero();
  }
}
