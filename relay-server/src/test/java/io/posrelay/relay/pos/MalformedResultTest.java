package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.metrics.RelayMeters;
import org.junit.jupiter.api.Test;

/**
 * A result outside the contract is refused where the results reader hands it over ({@code
 * dispatch}, on the reader's thread, where its coordinates are known), never on the terminal's
 * event loop, and the results after it are delivered.
 */
class MalformedResultTest {
  private final PosFixture fx = new PosFixture();

  @Test
  void receivedAtOutOfRange_isRefusedAtDispatch_andTheNextResultIsDelivered() {
    EmbeddedChannel ch = fx.connect("T-1");

    assertThatThrownBy(() -> fx.tracker.dispatch(result("r-bad", "T-1").toBuilder()
        .setReceivedAt(Timestamp.newBuilder().setSeconds(Long.MIN_VALUE)).build()))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("result_id=r-bad received_at out of range");
    fx.tracker.dispatch(result("r-good", "T-1"));
    ch.runPendingTasks();

    PosFrame written = ch.readOutbound();
    assertThat(written.getPaymentResult().getResultId()).isEqualTo("r-good");
    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(fx.tracker.inFlight()).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.RESULTS_RECEIVED)).isEqualTo(1);
  }

  @Test
  void resultWithoutResultIdOrTerminalId_isRefused() {
    assertThatThrownBy(() -> fx.tracker.dispatch(result("", "T-1")))
        .isInstanceOf(MalformedRecordException.class);
    assertThatThrownBy(() -> fx.tracker.dispatch(result("r-1", "")))
        .isInstanceOf(MalformedRecordException.class);
  }

  @Test
  void nanosOutOfRange_isRefused() {
    assertThatThrownBy(() -> fx.tracker.dispatch(result("r-1", "T-1").toBuilder()
        .setReceivedAt(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build()))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("nanos=-1");
  }
}
