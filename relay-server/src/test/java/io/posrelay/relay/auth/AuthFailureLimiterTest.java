package io.posrelay.relay.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000);
  private final AuthFailureLimiter limiter = new AuthFailureLimiter(3, Duration.ofSeconds(10),
      Duration.ofSeconds(30), 4, now::get);

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void maxFailuresWithinTheWindow_startACooldown_forThatAddressOnly() {
    assertThat(limiter.recordFailure("10.0.0.1")).isFalse();
    assertThat(limiter.recordFailure("10.0.0.1")).isFalse();
    advance(Duration.ofSeconds(9));
    assertThat(limiter.recordFailure("10.0.0.1")).isTrue();
    assertThat(limiter.cooldownRemainingNanos("10.0.0.1"))
        .isEqualTo(Duration.ofSeconds(30).toNanos());
    assertThat(limiter.cooldownRemainingNanos("10.0.0.2")).isZero();

    advance(Duration.ofSeconds(30).minusNanos(1));
    assertThat(limiter.cooldownRemainingNanos("10.0.0.1")).isEqualTo(1);
    advance(Duration.ofNanos(1));
    assertThat(limiter.cooldownRemainingNanos("10.0.0.1")).isZero();
    assertThat(limiter.trackedAddresses()).isZero(); // its failures left the window long ago
  }

  @Test
  void theWindowSlides() {
    limiter.recordFailure("a");
    advance(Duration.ofSeconds(6));
    limiter.recordFailure("a");
    advance(Duration.ofSeconds(6));
    assertThat(limiter.recordFailure("a")).as("the first failure is 12 s old").isFalse();
    advance(Duration.ofSeconds(3));
    assertThat(limiter.recordFailure("a")).as("3 failures within 9 s").isTrue();
  }

  @Test
  void tableIsBounded_droppingTheAddressThatFailedLeastRecently() {
    for (String address : new String[] {"a", "b", "c", "d"}) {
      limiter.recordFailure(address);
      limiter.recordFailure(address);
      limiter.recordFailure(address);
    }
    assertThat(limiter.trackedAddresses()).isEqualTo(4);
    limiter.recordFailure("e");
    assertThat(limiter.trackedAddresses()).isEqualTo(4);
    assertThat(limiter.cooldownRemainingNanos("a")).isZero();
    assertThat(limiter.cooldownRemainingNanos("d")).isPositive();
  }

  @Test
  void expiredAddresses_makeRoomFirst() {
    for (String address : new String[] {"a", "b", "c", "d"}) {
      limiter.recordFailure(address);
    }
    limiter.cooldownRemainingNanos("a"); // a is the most recently used now
    advance(Duration.ofSeconds(11));
    limiter.recordFailure("e");
    assertThat(limiter.trackedAddresses()).isEqualTo(1);
  }

  @Test
  void badArguments_areRejected() {
    assertThatThrownBy(() -> new AuthFailureLimiter(0, Duration.ofSeconds(1),
        Duration.ofSeconds(1), 1, now::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuthFailureLimiter(1, Duration.ZERO,
        Duration.ofSeconds(1), 1, now::get)).isInstanceOf(IllegalArgumentException.class);
  }
}
