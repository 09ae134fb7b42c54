package io.posrelay.bench;

import io.posrelay.testkit.ilk.SendSchedule;
import java.time.Duration;

/**
 * What {@code relayctl bench} measures; its options, built directly by the command (whose
 * defaults are the target scenario: 3 relay nodes, 10,000 terminals, 2,000 results/s for 60 s
 * after a 60 s warm-up). Validated at construction, naming the option in the message: {@code
 * "rate: 0.0 (expected: > 0, <= 100000)"}. Immutable.
 *
 * @param nodes relay nodes, 1..16; terminals are spread evenly over them
 * @param terminals connected simulated terminals, 1..1,000,000
 * @param ratePerSecond results (and baseline records) per second, > 0, <= 100,000
 * @param warmup sending before the measured window opens, >= 0: the JIT compilers of every
 *     process must be done (on 2 cores, several JVMs compiling take about a minute), and the
 *     connections and caches warm
 * @param duration the measured window, >= 1 s
 * @param connectRate terminal connections opened per second while connecting, >= 1
 * @param adminApi whether admin-api (the ledger) runs too, as in production
 * @param baseline whether the raw Kafka baseline runs before the relay phase
 * @param drainTimeout after sending, how long to wait at most for the last messages to arrive,
 *     >= 0
 * @param progressInterval time between two progress lines, >= 1 s
 * @param maxInFlight ILK callbacks awaiting their answer at most, >= 1; the simulated ILK waits
 *     when reached. By Little's law the simulator sustains at most this / the webhook's answer
 *     time: 128 at ~60 ms under load held a 2,000/s run near 2,000/s, too close to catch up after
 *     the JIT warm-up
 * @param sourceAddresses local source addresses (127.0.0.2 …) the terminals' connections are
 *     spread over, 0..{@link SourceAddresses#MAX}; 0 = as many as needed (none up to {@link
 *     SourceAddresses#PER_ADDRESS} terminals)
 * @param ramp at the start of the warm-up, how long the rate takes to rise evenly from 0 to
 *     {@code ratePerSecond} ({@link SendSchedule}), 0..warm-up: the JIT compilers of every
 *     process then warm up on a load that grows with them instead of leaving a backlog
 * @param idleNodes relay nodes, the last ones, that hold no terminal, 0..nodes − 1: their CPU
 *     is what a node pays for results it does not hold (the broadcast's cost)
 * @param receipts whether ilk-ingest sends a receipt to a simulated ILK for every delivered
 *     result, as in production
 */
public record LatencyBenchConfig(
    int nodes,
    int terminals,
    double ratePerSecond,
    Duration warmup,
    Duration duration,
    int connectRate,
    boolean adminApi,
    boolean baseline,
    Duration drainTimeout,
    Duration progressInterval,
    int maxInFlight,
    int sourceAddresses,
    Duration ramp,
    int idleNodes,
    boolean receipts) {

  /** Most terminals the simulated ILK addresses ({@code IlkSimulatorConfig} allows 1..9999). */
  static final int MAX_ADDRESSED_TERMINALS = 9_999;

  /**
   * @throws IllegalArgumentException naming the option whose value is out of range, e.g. {@code
   *     "nodes: 0 (expected: 1..16)"}
   */
  public LatencyBenchConfig {
    check(nodes >= 1 && nodes <= 16, "nodes", nodes, "1..16");
    check(terminals >= 1 && terminals <= 1_000_000, "terminals", terminals, "1..1000000");
    check(ratePerSecond > 0 && ratePerSecond <= 100_000, "rate", ratePerSecond,
        "> 0, <= 100000");
    check(!warmup.isNegative(), "warmup-s", warmup.toSeconds(), ">= 0");
    check(duration.toSeconds() >= 1, "duration-s", duration.toSeconds(), ">= 1");
    check(connectRate >= 1, "connect-rate", connectRate, ">= 1");
    check(!drainTimeout.isNegative(), "drain-timeout-s", drainTimeout.toSeconds(), ">= 0");
    check(progressInterval.toSeconds() >= 1, "progress-s", progressInterval.toSeconds(), ">= 1");
    check(maxInFlight >= 1, "max-in-flight", maxInFlight, ">= 1");
    check(!ramp.isNegative() && ramp.compareTo(warmup) <= 0, "ramp-s", ramp.toSeconds(),
        "0..warmup-s (" + warmup.toSeconds() + ")");
    check(idleNodes >= 0 && idleNodes < nodes, "idle-nodes", idleNodes,
        "0.." + (nodes - 1) + ", fewer than --nodes");
    check(sourceAddresses >= 0 && sourceAddresses <= SourceAddresses.MAX, "source-addresses",
        sourceAddresses, "0.." + SourceAddresses.MAX);
  }

  /**
   * Messages due in a phase: those of its {@link #schedule} over warm-up plus duration, as the
   * senders count them. A sender that waited for answers sends fewer.
   */
  public long scheduledMessages() {
    return schedule(0).dueWithin(warmup.toNanos() + duration.toNanos());
  }

  /** A phase's send schedule: the rate, ramped over {@link #ramp()}, from {@code startNanos}. */
  public SendSchedule schedule(long startNanos) {
    return SendSchedule.of(startNanos, ratePerSecond, ramp);
  }

  /** Relay nodes that hold terminals: all but the {@link #idleNodes()}. */
  public int holdingNodes() {
    return nodes - idleNodes;
  }

  /**
   * Throws unless {@code ok}: the message names the option, the value and the expected range.
   *
   * @throws IllegalArgumentException {@code "<key>: <value> (expected: <expected>)"}
   */
  static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ")");
    }
  }
}
