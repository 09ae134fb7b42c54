package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.FailedDeliveryWatcher;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.FailureReason;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redelivery triggered by the ledger's delivery events: a result that turns FAILED for a terminal
 * held here is fetched and delivered again, without waiting for the next Hello.
 */
class FailedDeliveryWatcherTest {
  private final PosFixture fx = new PosFixture();
  private final SessionRecoveryTest.FakeLedger ledger = new SessionRecoveryTest.FakeLedger();
  private FailedDeliveryWatcher watcher;

  @BeforeEach
  void recoveryOn() {
    fx.recovery = fx.recovery(ledger);
    watcher = new FailedDeliveryWatcher(fx.registry, fx.recovery, fx.meters.sessions());
  }

  private Delivery failed(String resultId) {
    Instant at = fx.clock.instant().minusSeconds(5);
    Timestamp ts = Timestamp.newBuilder().setSeconds(at.getEpochSecond()).build();
    return Delivery.newBuilder()
        .setResultId(resultId)
        .setTerminalId("T-1")
        .setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setReceivedAt(ts)
        .setAttempt(1)
        .setPaymentResult(result(resultId, "T-1").toBuilder().setReceivedAt(ts))
        .build();
  }

  private static DeliveryEvent event(String terminalId, DeliveryStatus to, String sessionId) {
    return DeliveryEvent.newBuilder()
        .setResultId("r-1")
        .setTerminalId(terminalId)
        .setFrom(DeliveryStatus.DELIVERY_STATUS_DELIVERING)
        .setTo(to)
        .setReason(FailureReason.FAILURE_REASON_SESSION_REPLACED)
        .setNodeId("node-2")
        .setSessionId(sessionId)
        .build();
  }

  private static List<String> writtenResultIds(EmbeddedChannel ch) {
    List<String> ids = new ArrayList<>();
    PosFrame frame;
    while ((frame = ch.readOutbound()) != null) {
      if (frame.hasPaymentResult()) {
        ids.add(frame.getPaymentResult().getResultId());
      }
    }
    return ids;
  }

  private EmbeddedChannel connectedAndRecovered() {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().complete(List.of());
    ch.runPendingTasks();
    return ch;
  }

  @Test
  void resultFailedOnThePreviousSession_isFetchedAndRedelivered_atOnce() {
    EmbeddedChannel ch = connectedAndRecovered();

    watcher.onDeliveryEvent(
        event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "old-session-on-node-2"));
    ch.runPendingTasks();
    assertThat(ledger.answers).as("a fetch now, not at the follow-up").hasSize(2);
    ledger.last().complete(List.of(failed("r-1")));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("r-1");
    assertThat(fx.counter(RelayMeters.RECOVERY_TRIGGERS, "action", "fetch")).isEqualTo(1);
  }

  @Test
  void resultLeftUnclaimedByTheLedger_isFetchedAndRedelivered() {
    EmbeddedChannel ch = connectedAndRecovered();

    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "").toBuilder()
        .setReason(FailureReason.FAILURE_REASON_UNCLAIMED).setNodeId("").build());
    ch.runPendingTasks();
    ledger.last().complete(List.of(failed("r-1")));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("r-1");
  }

  @Test
  void failedEventWithoutTerminalId_isRefusedAsMalformed() {
    connectedAndRecovered();

    assertThatThrownBy(() -> watcher.onDeliveryEvent(
        event("", DeliveryStatus.DELIVERY_STATUS_FAILED, "s")))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("result_id=r-1 without terminal_id");
    assertThat(ledger.answers).hasSize(1);
  }

  @Test
  void redeliveredResultWithReceivedAtOutOfRange_isStillDelivered_andAcked() {
    EmbeddedChannel ch = connectedAndRecovered();
    Timestamp broken = Timestamp.newBuilder().setSeconds(Long.MAX_VALUE).build();
    Delivery malformed = failed("r-1").toBuilder().setReceivedAt(broken)
        .setPaymentResult(result("r-1", "T-1").toBuilder().setReceivedAt(broken)).build();

    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "old"));
    ch.runPendingTasks();
    ledger.last().complete(List.of(malformed));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).as("only its age sample is lost").containsExactly("r-1");
    assertThat(fx.tracker.inFlight()).isEqualTo(1);
    fx.tracker.onAck(fx.registry.get("T-1"), "r-1");
    assertThat(fx.tracker.inFlight()).isZero();
  }

  @Test
  void failureOnTheSessionHeldHere_isNotPushedAgain() {
    EmbeddedChannel ch = connectedAndRecovered();
    String sessionId = fx.registry.get("T-1").sessionId();

    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, sessionId)
        .toBuilder().setReason(FailureReason.FAILURE_REASON_ACK_TIMEOUT).build());
    ch.runPendingTasks();

    assertThat(ledger.answers).as("no fetch: the terminal did not ack on this session").hasSize(1);
    assertThat(fx.counter(RelayMeters.RECOVERY_TRIGGERS, "action", "ignored")).isEqualTo(1);
  }

  @Test
  void otherTransitions_andTerminalsNotHeldHere_areIgnored() {
    EmbeddedChannel ch = connectedAndRecovered();

    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_DELIVERED, "s"));
    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_EXPIRED, "s"));
    watcher.onDeliveryEvent(event("T-elsewhere", DeliveryStatus.DELIVERY_STATUS_FAILED, "s"));
    ch.runPendingTasks();

    assertThat(ledger.answers).hasSize(1);
    assertThat(fx.counter(RelayMeters.RECOVERY_TRIGGERS, "action", "fetch")).isZero();
  }

  @Test
  void failureWhileAFetchIsUnderWay_fetchesOnceMoreAfterItsAnswer() {
    EmbeddedChannel ch = fx.connect("T-1"); // the Hello's fetch is still unanswered
    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "old"));
    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "old"));
    ch.runPendingTasks();
    assertThat(ledger.answers).as("one fetch at a time per session").hasSize(1);

    ledger.last().complete(List.of()); // answered before the failure reached the ledger
    ch.runPendingTasks();
    assertThat(ledger.answers).as("coalesced into one more fetch").hasSize(2);
    ledger.last().complete(List.of(failed("r-1")));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("r-1");
    assertThat(ledger.inFlight()).isEmpty();
  }

  @Test
  void failedRefetch_isRetried_andTheFollowUpStillRunsAfterwards() {
    EmbeddedChannel ch = connectedAndRecovered();
    ch.freezeTime();
    watcher.onDeliveryEvent(event("T-1", DeliveryStatus.DELIVERY_STATUS_FAILED, "old"));
    ch.runPendingTasks();
    ledger.last().completeExceptionally(new IOException("admin-api unreachable"));
    ch.runPendingTasks();

    ch.advanceTimeBy(50, TimeUnit.MILLISECONDS); // the first backoff cap, waited in full
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).as("retried").hasSize(3);
    ledger.last().complete(List.of(failed("r-1")));
    ch.runPendingTasks();
    assertThat(writtenResultIds(ch)).containsExactly("r-1");

    ch.advanceTimeBy(PosFixture.FOLLOW_UP_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).as("the follow-up runs once: the first was replaced").hasSize(4);
    ledger.last().complete(List.of());
    ch.runPendingTasks();
    ch.advanceTimeBy(Duration.ofHours(1).toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).as("no further fetch").hasSize(4);
  }
}
