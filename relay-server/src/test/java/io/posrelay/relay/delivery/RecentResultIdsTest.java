package io.posrelay.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentResultIdsTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void ackedId_isRememberedUntilTtl() {
    RecentResultIds acked = new RecentResultIds(100, Duration.ofNanos(500), now::get);
    String id = UUID.randomUUID().toString();
    acked.add(id);
    now.addAndGet(499);
    assertThat(acked.contains(id)).isTrue();
    now.addAndGet(1);
    assertThat(acked.contains(id)).isFalse();
  }

  @Test
  void nonUuidIds_areRememberedToo() {
    RecentResultIds acked = new RecentResultIds(100, Duration.ofMinutes(1), now::get);
    acked.add("r-1");
    acked.add("1-1-1-1-1");
    assertThat(acked.contains("r-1")).isTrue();
    assertThat(acked.contains("1-1-1-1-1")).isTrue();
    assertThat(acked.contains("00000001-0001-0001-0001-000000000001")).isFalse();
  }

  @Test
  void oldestIds_areEvictedBeyondMaxEntries() {
    RecentResultIds acked = new RecentResultIds(160, Duration.ofMinutes(1), now::get);
    for (int i = 0; i < 10_000; i++) {
      acked.add("r-" + i);
    }
    assertThat(acked.size()).isLessThanOrEqualTo(160);
    assertThat(acked.contains("r-9999")).isTrue();
    assertThat(acked.contains("r-0")).isFalse();
  }

  @Test
  void zeroMaxEntries_disablesDedup() {
    RecentResultIds acked = new RecentResultIds(0, Duration.ofMinutes(1), now::get);
    acked.add("r-1");
    assertThat(acked.contains("r-1")).isFalse();
  }

  @Test
  void badArguments_areRejected() {
    assertThatThrownBy(() -> new RecentResultIds(-1, Duration.ofMinutes(1), now::get))
        .hasMessage("maxEntries: -1 (expected: >= 0)");
    assertThatThrownBy(() -> new RecentResultIds(1, Duration.ZERO, now::get))
        .hasMessageContaining("ttl");
  }
}
