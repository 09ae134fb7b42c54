package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.Timestamp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.relay.delivery.ReversedResults;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * After the ledger decided a result REVERSAL_REQUIRED, the node never writes it to its terminal
 * again: not when an ILK retry re-publishes it on the results topic, not when recovery lists it.
 */
class ReversedResultDeliveryTest {
  private final PosFixture fx = new PosFixture();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger trackerLog = (Logger) LoggerFactory.getLogger(DeliveryTracker.class);
  private Level levelBefore;

  @BeforeEach
  void captureLogs() {
    levelBefore = trackerLog.getLevel();
    trackerLog.setLevel(Level.INFO);
    logs.start();
    trackerLog.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    trackerLog.detachAppender(logs);
    trackerLog.setLevel(levelBefore);
  }

  private static DeliveryEvent event(String resultId, DeliveryStatus from, DeliveryStatus to) {
    return DeliveryEvent.newBuilder()
        .setResultId(resultId)
        .setTerminalId("T-1")
        .setFrom(from)
        .setTo(to)
        .setAttempt(1)
        .build();
  }

  private static DeliveryEvent decision(String resultId) {
    return event(resultId, DeliveryStatus.DELIVERY_STATUS_FAILED,
        DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
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

  private double skipped() {
    return fx.counter(RelayMeters.RESULTS_REVERSED_SKIPPED);
  }

  @Test
  void ilkRetryAfterTheReversalDecision_isNotWritten_norClaimed_butCountedAndLogged() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.reversed.onDeliveryEvent(decision("r-1"));

    fx.tracker.dispatch(result("r-1", "T-1"));
    fx.tracker.dispatch(result("r-2", "T-1"));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).as("only the result not reversed").containsExactly("r-2");
    assertThat(fx.claims.all()).allMatch(c -> c.getResultId().equals("r-2"));
    assertThat(skipped()).isEqualTo(1);
    List<ILoggingEvent> infos = logs.list.stream()
        .filter(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("r-1"))
        .toList();
    assertThat(infos).singleElement().satisfies(line -> {
      assertThat(line.getFormattedMessage()).contains("REVERSAL_REQUIRED", "not delivered");
      assertThat(line.getMDCPropertyMap())
          .containsEntry("result_id", "r-1").containsEntry("terminal_id", "T-1");
    });
  }

  @Test
  void reversedResultListedByRecovery_isNotWritten() {
    SessionRecoveryTest.FakeLedger ledger = new SessionRecoveryTest.FakeLedger();
    fx.recovery = fx.recovery(ledger);
    fx.reversed.onDeliveryEvent(decision("r-1"));
    EmbeddedChannel ch = fx.connect("T-1");

    Instant at = fx.clock.instant().minusSeconds(30);
    Timestamp ts = Timestamp.newBuilder().setSeconds(at.getEpochSecond()).build();
    ledger.last().complete(List.of(Delivery.newBuilder()
        .setResultId("r-1").setTerminalId("T-1").setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .setReceivedAt(ts).setAttempt(1)
        .setPaymentResult(result("r-1", "T-1").toBuilder().setReceivedAt(ts)).build()));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).isEmpty();
    assertThat(fx.claims.all()).isEmpty();
    assertThat(skipped()).isEqualTo(1);
  }

  @Test
  void conflictEvent_keepsTheResultReversedToo() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.reversed.onDeliveryEvent(event("r-1", DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED,
        DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED).toBuilder().setConflict(true).build());

    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).isEmpty();
  }

  @Test
  void otherTransitions_doNotStopDelivery() {
    EmbeddedChannel ch = fx.connect("T-1");
    for (DeliveryStatus to : List.of(DeliveryStatus.DELIVERY_STATUS_PENDING,
        DeliveryStatus.DELIVERY_STATUS_FAILED, DeliveryStatus.DELIVERY_STATUS_EXPIRED)) {
      fx.reversed.onDeliveryEvent(event("r-1", DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED, to));
    }

    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("r-1");
    assertThat(skipped()).isZero();
  }

  @Test
  void reversalEventWithoutResultId_isRefusedAsMalformed() {
    assertThatThrownBy(() -> fx.reversed.onDeliveryEvent(decision("")))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("REVERSAL_REQUIRED delivery event terminal_id=T-1 without result_id");
  }

  @Test
  void decision_isForgottenPastItsTtl_orBeyondTheCountBound() {
    AtomicLong nanos = new AtomicLong();
    ReversedResults byAge = new ReversedResults(
        new RecentResultIds(100, Duration.ofHours(24), nanos::get));
    byAge.onDeliveryEvent(decision("r-1"));
    nanos.addAndGet(Duration.ofHours(24).minusNanos(1).toNanos());
    assertThat(byAge.contains("r-1")).isTrue();
    nanos.addAndGet(1);
    assertThat(byAge.contains("r-1")).as("past the ttl a retry is delivered again").isFalse();

    ReversedResults byCount = new ReversedResults(
        new RecentResultIds(16, Duration.ofHours(24), nanos::get));
    for (int i = 0; i < 1000; i++) {
      byCount.onDeliveryEvent(decision("r-" + i));
    }
    assertThat(byCount.contains("r-999")).isTrue();
    assertThat(byCount.contains("r-0")).as("the oldest go first").isFalse();
  }
}
