package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class LedgerHealthTest {
  @Test
  void readyOnlyWhileRunning() {
    assertThat(LedgerHealth.readiness(State.RUNNING).isUp()).isTrue();
    for (State state : State.values()) {
      if (state != State.RUNNING) {
        assertThat(LedgerHealth.readiness(state).isUp()).as(state.name()).isFalse();
      }
    }
    assertThat(LedgerHealth.readiness(State.REBALANCING).detail())
        .isEqualTo("REBALANCING: queries are UNAVAILABLE until it is RUNNING");
  }

  @Test
  void restoringOrRebalancing_isLive_stoppedForGood_isNot_unlessAdminApiIsClosingIt() {
    assertThat(LedgerHealth.liveness(State.CREATED, false).isUp()).isTrue();
    assertThat(LedgerHealth.liveness(State.REBALANCING, false).isUp()).isTrue();
    assertThat(LedgerHealth.liveness(State.RUNNING, false).isUp()).isTrue();
    assertThat(LedgerHealth.liveness(State.ERROR, false).detail())
        .isEqualTo("ERROR: the ledger stopped and will not come back; see the log");
    assertThat(LedgerHealth.liveness(State.ERROR, false).isUp()).isFalse();
    assertThat(LedgerHealth.liveness(State.NOT_RUNNING, false).isUp()).isFalse();
    assertThat(LedgerHealth.liveness(State.NOT_RUNNING, true).isUp()).isTrue();
  }
}
