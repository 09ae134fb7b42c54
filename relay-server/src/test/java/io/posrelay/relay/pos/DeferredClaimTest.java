package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.ack;
import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OUTCOME_CLAIMED claim of a running node waits {@link DeliveryTracker#claimDelayFor} the
 * claim deadline after the write, and is sent only if the delivery has no outcome by then.
 */
class DeferredClaimTest {
  private static final Duration CLAIM_DELAY = DeliveryTracker.claimDelayFor(Duration.ofSeconds(3));

  private final PosFixture fx = new PosFixture();
  private DeliveryTracker tracker;
  private EmbeddedChannel ch;

  @BeforeEach
  void connect() {
    tracker = new DeliveryTracker(PosFixture.NODE_ID, fx.registry,
        new RecentResultIds(1000, Duration.ofMinutes(10), System::nanoTime), fx.reversed,
        fx.claims, fx.meters,
        PosFixture.ACK_TIMEOUT, CLAIM_DELAY, fx.clock, System::nanoTime);
    SessionRecovery noRecovery = new SessionRecovery(null, tracker, fx.meters, fx.clock,
        Duration.ofSeconds(3), 16, Duration.ofMillis(50), Duration.ofMillis(200),
        PosFixture.FOLLOW_UP_DELAY, cap -> cap);
    ch = new EmbeddedChannel(new PosSessionHandler(PosFixture.NODE_ID,
        PosFixture.HEARTBEAT_MILLIS, fx.registry, tracker, fx.sessions, noRecovery, fx.meters,
        fx.clock, fx.authenticator, null));
    ch.freezeTime();
    ch.writeInbound(PosFixture.hello("T-1"));
    PosFrame welcome = ch.readOutbound();
    assertThat(welcome.hasWelcome()).isTrue();
    tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    PosFrame written = ch.readOutbound();
    assertThat(written.getPaymentResult().getResultId()).isEqualTo("r-1");
  }

  @Test
  void claimDelay_isASixthOfTheDeadline_atMost500Ms() {
    assertThat(DeliveryTracker.claimDelayFor(Duration.ofSeconds(3))).hasMillis(500);
    assertThat(DeliveryTracker.claimDelayFor(Duration.ofSeconds(60))).hasMillis(500);
    assertThat(DeliveryTracker.claimDelayFor(Duration.ofMillis(600))).hasMillis(100);
  }

  @Test
  void ackWithinTheDelay_isTheOnlyClaim() {
    ch.advanceTimeBy(CLAIM_DELAY.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).isEmpty();
    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.outcomes()).containsExactly("DELIVERED");
    ch.advanceTimeBy(10, TimeUnit.SECONDS); // past the delay and the ack timeout
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("DELIVERED");
  }

  @Test
  void noAckByTheDelay_isClaimed_thenDelivered() {
    ch.advanceTimeBy(CLAIM_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED");
    assertThat(fx.claims.all().get(0).getSessionId())
        .isEqualTo(fx.registry.get("T-1").sessionId());
    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "DELIVERED");
  }

  @Test
  void noAckAtAll_isClaimed_thenFailedAtTheAckTimeout() {
    ch.advanceTimeBy(PosFixture.ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/ACK_TIMEOUT");
  }

  @Test
  void connectionLostWithinTheDelay_isTheOnlyClaim() {
    ch.close();
    ch.runPendingTasks();
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("FAILED/CONNECTION_LOST");
    assertThat(tracker.inFlight()).isZero();
  }

  // posrelay_relay_deliveries_total counts each delivery once, when it ends (delivered or
  // failed); the interim CLAIMED claim of a slow ack is posrelay_relay_deliveries_claimed_total.
  // Before, every write counted outcome=claimed and its ack outcome=delivered as well.

  @Test
  void fastAck_countsOneDeliveredDelivery_andNoClaimed() {
    ch.writeInbound(ack("r-1"));

    assertThat(fx.counter(RelayMeters.DELIVERIES, "outcome", "delivered")).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.DELIVERIES_CLAIMED)).isZero();
    assertThat(fx.meterRegistry.find(RelayMeters.DELIVERIES).tag("outcome", "claimed").counter())
        .isNull();
  }

  @Test
  void slowAck_countsOneDeliveredDelivery_andOneClaimed() {
    ch.advanceTimeBy(CLAIM_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.writeInbound(ack("r-1"));

    assertThat(fx.counter(RelayMeters.DELIVERIES, "outcome", "delivered")).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.DELIVERIES_CLAIMED)).isEqualTo(1);
    assertThat(failedDeliveries()).isZero();
  }

  @Test
  void ackAfterTheAckTimeout_countsTheDeliveryOnceAsFailed_andTheAckAsLate() {
    ch.advanceTimeBy(PosFixture.ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    ch.writeInbound(ack("r-1"));

    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/ACK_TIMEOUT", "DELIVERED");
    assertThat(fx.counter(RelayMeters.DELIVERIES, "outcome", "failed", "reason", "ack_timeout"))
        .isEqualTo(1);
    assertThat(fx.counter(RelayMeters.DELIVERIES, "outcome", "delivered")).isZero();
    assertThat(fx.counter(RelayMeters.ACKS_LATE)).isEqualTo(1);
    assertThat(fx.meterRegistry.find(RelayMeters.DELIVERY_LATENCY).timer().count()).isEqualTo(1);
  }

  private double failedDeliveries() {
    return fx.meterRegistry.find(RelayMeters.DELIVERIES).tag("outcome", "failed").counters()
        .stream().mapToDouble(c -> c.count()).sum();
  }
}
