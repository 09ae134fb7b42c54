package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.hello;
import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A terminal that stops reading: its channel turns unwritable (simulated with a user-defined
 * writability bit, as a full outbound buffer above the high watermark would do).
 */
class WriteStallTest {
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(2); // below the 5 s ack timeout

  private final PosFixture fx = new PosFixture();

  private EmbeddedChannel connect(String terminalId) {
    EmbeddedChannel ch =
        new EmbeddedChannel(new WriteStallHandler(STALL_TIMEOUT.toNanos()), fx.handler());
    ch.writeInbound(hello(terminalId));
    PosFrame welcome = ch.readOutbound();
    assertThat(welcome.hasWelcome()).isTrue();
    return ch;
  }

  private static void setWritable(EmbeddedChannel ch, boolean writable) {
    ch.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
    ch.runPendingTasks(); // the writability change is fired later, as a task
  }

  @Test
  void unwritableLongerThanTheStallTimeout_failsResultsInFlightWriteFailed_andDisconnects() {
    EmbeddedChannel ch = connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();

    setWritable(ch, false);
    ch.advanceTimeBy(STALL_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isActive()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.runPendingTasks();

    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/WRITE_FAILED");
    assertThat(fx.counter(RelayMeters.WRITE_STALLS, "cause", "stall_timeout")).isEqualTo(1);
    assertThat(fx.registry.get("T-1")).isNull();
  }

  @Test
  void writableAgainWithinTheStallTimeout_keepsTheTerminal() {
    EmbeddedChannel ch = connect("T-1");

    setWritable(ch, false);
    ch.advanceTimeBy(STALL_TIMEOUT.toMillis() / 2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    setWritable(ch, true);
    ch.advanceTimeBy(STALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();

    assertThat(ch.isActive()).isTrue();
    assertThat(fx.counter(RelayMeters.WRITE_STALLS, "cause", "stall_timeout")).isZero();
  }

  @Test
  void resultForATerminalAboveTheHighWatermark_failsWriteFailed_andDisconnectsAtOnce() {
    EmbeddedChannel ch = connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    assertThat(((PosFrame) ch.readOutbound()).hasPaymentResult()).isTrue();

    setWritable(ch, false);
    fx.tracker.dispatch(result("r-2", "T-1"));
    ch.runPendingTasks();

    assertThat((Object) ch.readOutbound()).as("r-2 is never written").isNull();
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.claims.outcomes())
        .containsExactlyInAnyOrder("CLAIMED", "FAILED/WRITE_FAILED", "FAILED/WRITE_FAILED");
    assertThat(fx.claims.all()).filteredOn(c -> c.getResultId().equals("r-2"))
        .extracting(c -> c.getOutcome().name()).containsExactly("OUTCOME_FAILED");
    assertThat(fx.counter(RelayMeters.WRITE_STALLS, "cause", "buffer_full")).isEqualTo(1);
    assertThat(fx.tracker.inFlight()).isZero();
  }

  @Test
  void oneStalledTerminal_doesNotDelayAnother() {
    EmbeddedChannel slow = connect("T-slow");
    EmbeddedChannel fast = connect("T-fast");
    setWritable(slow, false);

    fx.tracker.dispatch(result("r-slow", "T-slow"));
    fx.tracker.dispatch(result("r-fast", "T-fast"));
    slow.runPendingTasks();
    fast.runPendingTasks();

    PosFrame delivered = fast.readOutbound();
    assertThat(delivered.getPaymentResult().getResultId()).isEqualTo("r-fast");
    assertThat(fast.isActive()).isTrue();
    assertThat(slow.isOpen()).isFalse();
  }
}
