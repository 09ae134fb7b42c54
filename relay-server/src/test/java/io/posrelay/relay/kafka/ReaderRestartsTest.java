package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReaderRestartsTest {
  @Test
  void byDefault_restartsAfter1_2And4Seconds_andGivesUpAtTheFourthDeath() {
    ReaderRestarts restarts = ReaderRestarts.DEFAULT;

    assertThat(restarts.backoffAt(1)).hasSeconds(1);
    assertThat(restarts.backoffAt(2)).hasSeconds(2);
    assertThat(restarts.backoffAt(3)).hasSeconds(4);
    assertThat(restarts.givesUpAt(3)).isFalse();
    assertThat(restarts.givesUpAt(4)).isTrue();
    assertThat(restarts.window()).hasMinutes(10);
  }

  @Test
  void zeroRestarts_givesUpAtTheFirstDeath() {
    assertThat(new ReaderRestarts(0, Duration.ofMinutes(1), Duration.ZERO).givesUpAt(1)).isTrue();
  }

  @Test
  void valuesOutOfRange_areRefused() {
    assertThatThrownBy(() -> new ReaderRestarts(-1, Duration.ofMinutes(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReaderRestarts(1, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
