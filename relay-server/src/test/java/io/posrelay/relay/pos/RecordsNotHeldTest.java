package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.metrics.RelayMeters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a node decides from a record's key (and, for a delivery event, its raw {@code to}) before
 * parsing it: results and FAILED events of terminals held elsewhere are skipped, still counted
 * as received and ignored; reversals of any terminal are kept, so that a terminal that connects
 * here later is never shown a result the ledger decided REVERSAL_REQUIRED.
 */
class RecordsNotHeldTest {
  private final PosFixture fx = new PosFixture();
  private final DeliveryEventInterest interest = new DeliveryEventInterest(fx.registry);

  private static ByteBuffer event(String terminalId, DeliveryStatus to) {
    DeliveryEvent.Builder event = DeliveryEvent.newBuilder().setResultId("r-1")
        .setTerminalId(terminalId).setFrom(DeliveryStatus.DELIVERY_STATUS_PENDING).setTo(to)
        .setNodeId("node-2").setSessionId("s-2");
    if (to != DeliveryStatus.DELIVERY_STATUS_FAILED) {
      event.setPaymentResult(result("r-1", terminalId)); // as the ledger writes it
    }
    return ByteBuffer.wrap(event.build().toByteArray());
  }

  @Test
  void resultForATerminalNotHeld_isNotTaken_butCountsAsReceivedAndIgnored() {
    fx.connect("T-1");

    assertThat(fx.tracker.takesResultsFor("T-2")).isFalse();
    assertThat(fx.tracker.takesResultsFor("T-1")).isTrue();

    assertThat(fx.counter(RelayMeters.RESULTS_RECEIVED)).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.RESULTS_IGNORED)).isEqualTo(1);
  }

  @Test
  void deliveryEvents_ofHeldTerminals_orWithoutKey_areParsed_othersOnlyIfReversals() {
    fx.connect("T-1");

    assertThat(interest.wants("T-1", event("T-1", DeliveryStatus.DELIVERY_STATUS_DELIVERED)))
        .isTrue();
    assertThat(interest.wants("T-1", event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED)))
        .isTrue();
    assertThat(interest.wants(null, event("T-2", DeliveryStatus.DELIVERY_STATUS_DELIVERED)))
        .isTrue();
    assertThat(interest.wants("T-2", event("T-2", DeliveryStatus.DELIVERY_STATUS_DELIVERED)))
        .isFalse();
    assertThat(interest.wants("T-2", event("T-2", DeliveryStatus.DELIVERY_STATUS_FAILED)))
        .isFalse();
    assertThat(interest.wants("T-2",
        event("T-2", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED))).isTrue();
    assertThat(interest.wants("T-2",
        ByteBuffer.wrap("\u00ff not an event".getBytes(StandardCharsets.ISO_8859_1))))
        .as("malformed, and for a terminal held elsewhere: its holder reports it").isFalse();
    assertThat(interest.wants("T-2", null)).isFalse();
  }

  @Test
  void reversalOfATerminalHeldElsewhere_isRemembered_andNotWrittenWhenItConnectsHere()
      throws Exception {
    ByteBuffer reversal = event("T-2", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(interest.wants("T-2", reversal)).isTrue();
    fx.reversed.onDeliveryEvent(DeliveryEvent.parseFrom(reversal));

    EmbeddedChannel ch = fx.connect("T-2");
    assertThat(fx.tracker.takesResultsFor("T-2")).isTrue();
    fx.tracker.dispatch(result("r-1", "T-2")); // an ILK retry of the callback
    ch.runPendingTasks();

    assertThat((PosFrame) ch.readOutbound()).isNull();
    assertThat(fx.counter(RelayMeters.RESULTS_REVERSED_SKIPPED)).isEqualTo(1);
  }
}
