package io.posrelay.runtime.management;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * The histogram buckets (Micrometer's service-level objectives) of every latency timer of POS
 * Relay, so that a dashboard or alert can ask "what share of deliveries took longer than the
 * claim deadline?" exactly, from {@code _bucket{le="3.0"}}, without interpolating between
 * buckets. Stateless.
 *
 * <p>The buckets: 5, 10, 25, 50, 100 and 250 ms; the system's own thresholds at their defaults —
 * 500 ms (the relay's claim delay), 3 s (the claim deadline), 5 s (the ack timeout and ingest's
 * publish timeout); 1, 2.5, 10 and 30 s; and a deployment's configured thresholds where they
 * differ from the defaults. About 15 buckets per timer, whatever the load.
 */
public final class LatencyBuckets {
  /** The claim delay at its default: a relay node sends CLAIMED when no ack came by then. */
  public static final Duration CLAIM_DELAY = Duration.ofMillis(500);
  /** The claim deadline at its default: the ledger fails an unclaimed result after it. */
  public static final Duration CLAIM_DEADLINE = Duration.ofSeconds(3);
  /** The ack timeout at its default: a relay node fails an unacked delivery after it. */
  public static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

  private static final List<Duration> FIXED = List.of(Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      CLAIM_DELAY, Duration.ofSeconds(1), Duration.ofMillis(2500), CLAIM_DEADLINE, ACK_TIMEOUT,
      Duration.ofSeconds(10), Duration.ofSeconds(30));

  private LatencyBuckets() {}

  /**
   * The bucket bounds: the fixed ones (see the class doc) and {@code configured}.
   *
   * @param configured a deployment's thresholds (its claim delay, claim deadline, ack timeout…);
   *     zero and negative ones are ignored
   * @return the bounds in ascending order, without duplicates, for {@code
   *     Timer.Builder#serviceLevelObjectives}
   */
  public static Duration[] with(Duration... configured) {
    TreeSet<Duration> bounds = new TreeSet<>(FIXED);
    for (Duration d : configured) {
      if (!d.isNegative() && !d.isZero()) {
        bounds.add(d);
      }
    }
    return bounds.toArray(Duration[]::new);
  }
}
