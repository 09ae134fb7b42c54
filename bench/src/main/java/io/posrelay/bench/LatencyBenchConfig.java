package io.posrelay.bench;

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
    int sourceAddresses) {

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
    check(sourceAddresses >= 0 && sourceAddresses <= SourceAddresses.MAX, "source-addresses",
        sourceAddresses, "0.." + SourceAddresses.MAX);
  }

  /**
   * Messages due in a phase: one every {@link FixedRate} period over warm-up plus duration, as
   * the senders count them. A sender that waited for answers sends fewer.
   */
  public long scheduledMessages() {
    return (long) Math.ceil((warmup.toNanos() + duration.toNanos())
        / (double) FixedRate.of(0, ratePerSecond).periodNanos());
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
