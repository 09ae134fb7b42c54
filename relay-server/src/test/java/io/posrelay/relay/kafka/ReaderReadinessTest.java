package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.relay.kafka.ReaderSnapshot.State;
import io.posrelay.runtime.management.Health;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each rule of a reader's readiness, on snapshots. */
class ReaderReadinessTest {
  private static final String TOPIC = "posrelay.results";
  private static final Duration GAP = Duration.ofSeconds(15);

  private static ReaderSnapshot reading(int partitions, long lag, Duration sinceLastPoll) {
    return new ReaderSnapshot(TOPIC, State.READING, "reading", partitions, lag,
        sinceLastPoll.toNanos());
  }

  @Test
  void readingWithItsPartitions_caughtUp_isUp() {
    Health.Status status = ReaderReadiness.of(reading(3, 12, Duration.ofMillis(400)), 100, GAP);

    assertThat(status).isEqualTo(Health.Status.up(
        "3 partition(s) of posrelay.results, lag 12 records (at most 100)"));
  }

  @Test
  void lagOverTheBound_isDown_atTheBoundUp() {
    assertThat(ReaderReadiness.of(reading(3, 101, Duration.ZERO), 100, GAP).detail())
        .isEqualTo("3 partition(s) of posrelay.results, lag 101 records (at most 100):"
            + " not caught up");
    assertThat(ReaderReadiness.of(reading(3, 101, Duration.ZERO), 100, GAP).isUp()).isFalse();
    assertThat(ReaderReadiness.of(reading(3, 100, Duration.ZERO), 100, GAP).isUp()).isTrue();
  }

  @Test
  void unknownLag_isDownWhenBounded_andUpWithoutABound() {
    assertThat(ReaderReadiness.of(reading(3, -1, Duration.ZERO), 100, GAP))
        .isEqualTo(Health.Status.down(
            "3 partition(s) of posrelay.results, lag unknown (no fetch answered yet)"));
    assertThat(ReaderReadiness.of(reading(3, -1, Duration.ZERO), ReaderReadiness.NO_LAG_BOUND,
        GAP)).isEqualTo(Health.Status.up("3 partition(s) of posrelay.results"));
  }

  @Test
  void withoutALagBound_anyLagIsUp() {
    assertThat(ReaderReadiness.of(reading(1, 1_000_000, Duration.ZERO),
        ReaderReadiness.NO_LAG_BOUND, GAP).isUp()).isTrue();
  }

  @Test
  void noPartitions_isDown() {
    assertThat(ReaderReadiness.of(reading(0, 0, Duration.ZERO), 100, GAP)).isEqualTo(
        Health.Status.down("no partition of posrelay.results assigned (topic missing?)"));
  }

  @Test
  void noPollForLongerThanTheGap_isStalled() {
    Health.Status status = ReaderReadiness.of(reading(3, 0, Duration.ofSeconds(16)), 100, GAP);

    assertThat(status).isEqualTo(
        Health.Status.down("stalled: no poll for 16000 ms (at most 15000 ms)"));
  }

  @Test
  void everyStateButReading_isDown_sayingWhy() {
    assertThat(ReaderReadiness.of(snapshot(State.STARTING, "starting"), 100, GAP))
        .isEqualTo(Health.Status.down("starting"));
    assertThat(ReaderReadiness.of(snapshot(State.RESTARTING,
        "restarting in 1000 ms after: handler failed at posrelay.results-0@7: boom"), 100, GAP))
        .isEqualTo(Health.Status.down(
            "died, restarting in 1000 ms after: handler failed at posrelay.results-0@7: boom"));
    assertThat(ReaderReadiness.of(snapshot(State.FAILED, "failed: Kafka error"), 100, GAP))
        .isEqualTo(Health.Status.down("failed: Kafka error"));
    assertThat(ReaderReadiness.of(snapshot(State.STOPPED, "stopped"), 100, GAP))
        .isEqualTo(Health.Status.down("stopped"));
  }

  private static ReaderSnapshot snapshot(State state, String detail) {
    return new ReaderSnapshot(TOPIC, state, detail, 3, 0, 0);
  }
}
