package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.ack;
import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.RecoveryRefusedException;
import io.posrelay.relay.delivery.UndeliveredResults;
import io.posrelay.relay.metrics.RelayMeters;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Recovery on reconnect against a fake ledger: order, filtering, dedup, retries. */
class SessionRecoveryTest {
  private final PosFixture fx = new PosFixture();
  private final FakeLedger ledger = new FakeLedger();

  /** Answers each fetch with a future the test completes. */
  static final class FakeLedger implements UndeliveredResults {
    final List<String> asked = new ArrayList<>();
    final List<CompletableFuture<List<Delivery>>> answers = new ArrayList<>();

    @Override
    public synchronized CompletionStage<List<Delivery>> fetch(String terminalId) {
      asked.add(terminalId);
      CompletableFuture<List<Delivery>> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    }

    CompletableFuture<List<Delivery>> last() {
      return answers.get(answers.size() - 1);
    }

    List<CompletableFuture<List<Delivery>>> inFlight() {
      return answers.stream().filter(a -> !a.isDone()).toList();
    }
  }

  @BeforeEach
  void recoveryOn() {
    fx.recovery = fx.recovery(ledger);
  }

  private Delivery delivery(String resultId, DeliveryStatus status, Duration age) {
    Instant at = fx.clock.instant().minus(age);
    Timestamp ts = Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())
        .build();
    return Delivery.newBuilder()
        .setResultId(resultId)
        .setTerminalId("T-1")
        .setStatus(status)
        .setReceivedAt(ts)
        .setAttempt(1)
        .setPaymentResult(result(resultId, "T-1").toBuilder().setReceivedAt(ts))
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

  @Test
  void undeliveredResults_areDeliveredOldestFirst_beforeLiveOnes() {
    EmbeddedChannel ch = fx.connect("T-1");
    assertThat(ledger.asked).containsExactly("T-1");
    fx.tracker.dispatch(result("live-1", "T-1")); // arrives while the ledger is asked
    ch.runPendingTasks();
    assertThat(writtenResultIds(ch)).as("held until recovery answers").isEmpty();

    ledger.last().complete(List.of(
        delivery("failed-new", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofSeconds(10)),
        delivery("failed-old", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(5)),
        delivery("pending-old", DeliveryStatus.DELIVERY_STATUS_PENDING, Duration.ofSeconds(60))));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch))
        .containsExactly("failed-old", "pending-old", "failed-new", "live-1");
    assertThat(fx.counter(RelayMeters.RECOVERY_FETCHES, "outcome", "success")).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.RECOVERY_RESULTS)).isEqualTo(3);
  }

  @Test
  void deliveredDeliveringAndYoungPendingResults_areNotRedelivered() {
    EmbeddedChannel ch = fx.connect("T-1");

    ledger.last().complete(List.of(
        delivery("done", DeliveryStatus.DELIVERY_STATUS_DELIVERED, Duration.ofMinutes(1)),
        delivery("busy", DeliveryStatus.DELIVERY_STATUS_DELIVERING, Duration.ofMinutes(1)),
        delivery("young", DeliveryStatus.DELIVERY_STATUS_PENDING, Duration.ofSeconds(1)),
        delivery("due", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(1))));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("due");
  }

  @Test
  void youngPendingResult_isLookedForAgainInTheFollowUpFetch() {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().complete(List.of(
        delivery("young", DeliveryStatus.DELIVERY_STATUS_PENDING, Duration.ofSeconds(1))));
    ch.runPendingTasks();
    assertThat(writtenResultIds(ch)).isEmpty();

    ch.advanceTimeBy(PosFixture.FOLLOW_UP_DELAY.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).hasSize(1);
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).hasSize(2);
    ledger.last().complete(List.of(
        delivery("young", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofSeconds(10))));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("young");
  }

  @Test
  void resultFailedByThePreviousSessionAfterTheTakeover_isFoundByTheFollowUpFetch_once() {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().complete(List.of()); // the old node has not reported it yet
    ch.runPendingTasks();

    ch.advanceTimeBy(PosFixture.FOLLOW_UP_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ledger.last().complete(List.of(
        delivery("replaced", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofSeconds(5))));
    ch.runPendingTasks();
    assertThat(writtenResultIds(ch)).containsExactly("replaced");

    ch.advanceTimeBy(1, TimeUnit.HOURS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).as("one follow-up per session").hasSize(2);
  }

  @Test
  void resultAckedOnThisNode_isSkipped_butOneFailedWithTheReplacedSession_isRedelivered()
      throws IOException {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().complete(List.of());
    ch.runPendingTasks();
    fx.tracker.dispatch(result("acked", "T-1"));
    fx.tracker.dispatch(result("in-flight", "T-1"));
    ch.runPendingTasks();
    ch.writeInbound(ack("acked"));
    assertThat(writtenResultIds(ch)).containsExactly("acked", "in-flight");

    // The terminal comes back on a second connection: the first session is replaced, so its
    // result in flight fails with SESSION_REPLACED and is due again; the acked one is not.
    EmbeddedChannel again = fx.connect("T-1");
    ch.runPendingTasks();
    ledger.last().complete(List.of(
        delivery("acked", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(1)),
        delivery("in-flight", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(1))));
    again.runPendingTasks();

    assertThat(writtenResultIds(again)).containsExactly("in-flight");
    assertThat(fx.counter(RelayMeters.RESULTS_DUPLICATE, "state", "acked")).isEqualTo(1);
  }

  @Test
  void resultAckedHereWhoseDeliveredClaimTheLedgerNeverGot_isClaimedDeliveredAgain_notRewritten() {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().complete(List.of());
    ch.runPendingTasks();
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.writeInbound(ack("r-1"));
    assertThat(writtenResultIds(ch)).containsExactly("r-1");
    // Its DELIVERED claim was dropped (Kafka did not answer): the ledger failed it UNCLAIMED,
    // and the FAILED event makes this node ask again.
    fx.recovery.refetch(fx.registry.get("T-1"));
    ch.runPendingTasks();
    ledger.last().complete(List.of(
        delivery("r-1", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(1))));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).isEmpty();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "DELIVERED", "DELIVERED");
    assertThat(fx.claims.all().get(2).getSessionId())
        .isEqualTo(fx.registry.get("T-1").sessionId());
  }

  @Test
  void unreachableLedger_releasesLiveResults_andRetriesWithJitteredBackoff_whileTheSessionIsOpen() {
    List<Long> caps = new ArrayList<>();
    fx.jitter = cap -> {
      caps.add(cap);
      return cap / 2;
    };
    fx.recovery = fx.recovery(ledger);
    EmbeddedChannel ch = fx.connect("T-1");
    ch.freezeTime(); // only advanceTimeBy moves the clock
    fx.tracker.dispatch(result("live-1", "T-1"));
    ch.runPendingTasks();

    for (int attempt = 1; attempt <= 20; attempt++) {
      assertThat(ledger.answers).hasSize(attempt);
      ledger.last().completeExceptionally(new IOException("connection refused"));
      ch.runPendingTasks();
      long waitNanos = caps.get(caps.size() - 1) / 2;
      ch.advanceTimeBy(waitNanos - 1, TimeUnit.NANOSECONDS);
      ch.runScheduledPendingTasks();
      assertThat(ledger.answers).as("waits the jittered delay").hasSize(attempt);
      ch.advanceTimeBy(1, TimeUnit.NANOSECONDS);
      ch.runScheduledPendingTasks();
    }

    assertThat(writtenResultIds(ch)).as("live results flow").containsExactly("live-1");
    assertThat(caps.subList(0, 4)).containsExactly(ms(50), ms(100), ms(200), ms(200));
    assertThat(caps).as("keeps retrying at the max backoff").hasSize(20).endsWith(ms(200));
    assertThat(fx.counter(RelayMeters.RECOVERY_FETCHES, "outcome", "failure")).isEqualTo(20);
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED)).isZero();

    ch.close();
    ch.advanceTimeBy(1, TimeUnit.HOURS);
    ch.runScheduledPendingTasks();
    assertThat(ledger.answers).as("no ask after the close").hasSize(21);
    ledger.last().completeExceptionally(new IOException("connection refused"));
    ch.runPendingTasks();
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED))
        .as("closed while recovery was failing").isEqualTo(1);
  }

  @Test
  void refusedAsk_isNotRetried() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("live-1", "T-1"));
    ch.runPendingTasks();

    ledger.last().completeExceptionally(
        new RecoveryRefusedException("refused", new IllegalArgumentException("bad request")));
    ch.runPendingTasks();
    ch.advanceTimeBy(1, TimeUnit.HOURS);
    ch.runScheduledPendingTasks();

    assertThat(ledger.answers).hasSize(1);
    assertThat(writtenResultIds(ch)).containsExactly("live-1");
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED)).isEqualTo(1);
    ch.close();
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED)).as("counted once").isEqualTo(1);
  }

  @Test
  void reconnectStorm_keepsAtMostTheLimitInFlight_andRecoversEverySession() {
    fx.maxConcurrentRecoveries = 4;
    fx.jitter = cap -> 0; // retries are due at once: runScheduledPendingTasks starts them
    fx.recovery = fx.recovery(ledger);
    List<EmbeddedChannel> channels = new ArrayList<>();
    List<String> terminals = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      terminals.add("T-" + i);
      channels.add(fx.connect("T-" + i));
    }
    Random random = new Random(42);
    int maxInFlight = 0;
    List<CompletableFuture<List<Delivery>>> open;
    while (!(open = ledger.inFlight()).isEmpty()) {
      maxInFlight = Math.max(maxInFlight, open.size());
      CompletableFuture<List<Delivery>> answer = open.get(random.nextInt(open.size()));
      if (random.nextInt(4) == 0) {
        answer.completeExceptionally(new IOException("INTERNAL: RST_STREAM"));
      } else {
        answer.complete(List.of());
      }
      channels.forEach(EmbeddedChannel::runPendingTasks);
      channels.forEach(EmbeddedChannel::runScheduledPendingTasks);
    }

    assertThat(maxInFlight).isEqualTo(4);
    assertThat(fx.counter(RelayMeters.RECOVERY_FETCHES, "outcome", "success")).isEqualTo(100);
    assertThat(fx.counter(RelayMeters.RECOVERY_FETCHES, "outcome", "failure")).isPositive();
    assertThat(ledger.asked.stream().distinct().toList())
        .as("first asks in the order the sessions started").isEqualTo(terminals);
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED)).isZero();
  }

  @Test
  void closedSession_waitingForItsTurn_isNeverAsked() {
    fx.maxConcurrentRecoveries = 1;
    fx.recovery = fx.recovery(ledger);
    EmbeddedChannel first = fx.connect("T-1");
    EmbeddedChannel second = fx.connect("T-2");
    EmbeddedChannel third = fx.connect("T-3");
    assertThat(ledger.asked).containsExactly("T-1");

    second.close();
    ledger.last().complete(List.of());
    first.runPendingTasks();

    assertThat(ledger.asked).containsExactly("T-1", "T-3");
    assertThat(third.isActive()).isTrue();
    assertThat(fx.counter(RelayMeters.RECOVERY_ABANDONED)).isZero();
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }

  @Test
  void retryAfterFailure_deliversWhatItFinds() {
    EmbeddedChannel ch = fx.connect("T-1");
    ledger.last().completeExceptionally(new IOException("unavailable"));
    ch.runPendingTasks();
    ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();

    ledger.last().complete(List.of(
        delivery("failed", DeliveryStatus.DELIVERY_STATUS_FAILED, Duration.ofMinutes(1))));
    ch.runPendingTasks();

    assertThat(writtenResultIds(ch)).containsExactly("failed");
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED");
  }

  @Test
  void recoveryOff_asksNothing_andDeliversLiveResultsAtOnce() {
    fx.recovery = fx.recovery(null);
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("live-1", "T-1"));
    ch.runPendingTasks();

    assertThat(ledger.asked).isEmpty();
    assertThat(writtenResultIds(ch)).containsExactly("live-1");
  }
}
