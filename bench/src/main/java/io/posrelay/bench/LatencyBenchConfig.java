package io.posrelay.bench;

import java.time.Duration;

/**
 * What {@code relayctl bench} measures. Immutable; {@link #builder()} starts from the documented
 * defaults — the target scenario: 3 relay nodes, 10,000 terminals, 2,000 results/s for 60 s after
 * a 60 s warm-up — and {@link Builder#build()} validates, naming the option in the message:
 * {@code "rate: 0.0 (expected: > 0, <= 100000)"}.
 */
public final class LatencyBenchConfig {
  /** Most terminals the simulated ILK addresses ({@code IlkSimulatorConfig} allows 1..9999). */
  static final int MAX_ADDRESSED_TERMINALS = 9_999;

  private final int nodes;
  private final int terminals;
  private final double ratePerSecond;
  private final Duration warmup;
  private final Duration duration;
  private final int connectRate;
  private final boolean adminApi;
  private final boolean baseline;
  private final Duration drainTimeout;
  private final Duration progressInterval;
  private final int maxInFlight;
  private final int sourceAddresses;

  private LatencyBenchConfig(Builder b) {
    nodes = b.nodes;
    terminals = b.terminals;
    ratePerSecond = b.ratePerSecond;
    warmup = b.warmup;
    duration = b.duration;
    connectRate = b.connectRate;
    adminApi = b.adminApi;
    baseline = b.baseline;
    drainTimeout = b.drainTimeout;
    progressInterval = b.progressInterval;
    maxInFlight = b.maxInFlight;
    sourceAddresses = b.sourceAddresses;
  }

  /** A builder with the defaults of {@code relayctl bench}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Relay nodes, 1..16; terminals are spread evenly over them. */
  public int nodes() {
    return nodes;
  }

  /** Connected simulated terminals, 1..1,000,000. */
  public int terminals() {
    return terminals;
  }

  /** Results (and baseline records) per second, > 0. */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  /**
   * Sending before the measured window opens, >= 0: the JIT compilers of every process must be
   * done (on 2 cores, several JVMs compiling take about a minute), and the connections and
   * caches warm.
   */
  public Duration warmup() {
    return warmup;
  }

  /** The measured window, >= 1 s. */
  public Duration duration() {
    return duration;
  }

  /**
   * Messages due in a phase: one every {@link FixedRate} period over warm-up plus duration, as
   * the senders count them. A sender that waited for answers sends fewer.
   */
  public long scheduledMessages() {
    return (long) Math.ceil((warmup.toNanos() + duration.toNanos())
        / (double) FixedRate.of(0, ratePerSecond).periodNanos());
  }

  /** Terminal connections opened per second while connecting, >= 1. */
  public int connectRate() {
    return connectRate;
  }

  /** Whether admin-api (the ledger) runs too, as in production. */
  public boolean adminApi() {
    return adminApi;
  }

  /** Whether the raw Kafka baseline runs before the relay phase. */
  public boolean baseline() {
    return baseline;
  }

  /** After sending, how long to wait at most for the last messages to arrive; >= 0. */
  public Duration drainTimeout() {
    return drainTimeout;
  }

  /** Time between two progress lines, >= 1 s. */
  public Duration progressInterval() {
    return progressInterval;
  }

  /**
   * ILK callbacks awaiting their answer at most; the simulated ILK waits when reached. By Little's
   * law the simulator sustains at most this / the webhook's answer time: 128 at ~60 ms under load
   * held a 2,000/s run near 2,000/s, too close to catch up after the JIT warm-up.
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Local source addresses (127.0.0.2 …) the terminals' connections are spread over; 0 = as many
   * as needed (none up to {@link SourceAddresses#PER_ADDRESS} terminals).
   */
  public int sourceAddresses() {
    return sourceAddresses;
  }

  /** Builder of {@link LatencyBenchConfig}; not thread-safe. */
  public static final class Builder {
    private int nodes = 3;
    private int terminals = 10_000;
    private double ratePerSecond = 2_000;
    private Duration warmup = Duration.ofSeconds(60);
    private Duration duration = Duration.ofSeconds(60);
    private int connectRate = 2_000;
    private boolean adminApi = true;
    private boolean baseline = true;
    private Duration drainTimeout = Duration.ofSeconds(30);
    private Duration progressInterval = Duration.ofSeconds(5);
    private int maxInFlight = 512;
    private int sourceAddresses;

    private Builder() {}

    /** See {@link LatencyBenchConfig#nodes()}; default 3. */
    public Builder nodes(int value) {
      nodes = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#terminals()}; default 10,000. */
    public Builder terminals(int value) {
      terminals = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#ratePerSecond()}; default 2,000. */
    public Builder ratePerSecond(double value) {
      ratePerSecond = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#warmup()}; default 60 s. */
    public Builder warmup(Duration value) {
      warmup = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#duration()}; default 60 s. */
    public Builder duration(Duration value) {
      duration = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#connectRate()}; default 2,000/s. */
    public Builder connectRate(int value) {
      connectRate = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#adminApi()}; default true. */
    public Builder adminApi(boolean value) {
      adminApi = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#baseline()}; default true. */
    public Builder baseline(boolean value) {
      baseline = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#drainTimeout()}; default 30 s. */
    public Builder drainTimeout(Duration value) {
      drainTimeout = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#progressInterval()}; default 5 s. */
    public Builder progressInterval(Duration value) {
      progressInterval = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#maxInFlight()}; default 512. */
    public Builder maxInFlight(int value) {
      maxInFlight = value;
      return this;
    }

    /** See {@link LatencyBenchConfig#sourceAddresses()}; default 0 (as needed). */
    public Builder sourceAddresses(int value) {
      sourceAddresses = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the option, e.g. {@code "nodes: 0 (expected:
     *     1..16)"}
     */
    public LatencyBenchConfig build() {
      check(nodes >= 1 && nodes <= 16, "nodes", nodes, "1..16");
      check(terminals >= 1 && terminals <= 1_000_000, "terminals", terminals, "1..1000000");
      check(ratePerSecond > 0 && ratePerSecond <= 100_000, "rate", ratePerSecond,
          "> 0, <= 100000");
      check(!warmup.isNegative(), "warmup-s", warmup.toSeconds(), ">= 0");
      check(duration.toSeconds() >= 1, "duration-s", duration.toSeconds(), ">= 1");
      check(connectRate >= 1, "connect-rate", connectRate, ">= 1");
      check(!drainTimeout.isNegative(), "drain-timeout-s", drainTimeout.toSeconds(), ">= 0");
      check(progressInterval.toSeconds() >= 1, "progress-s", progressInterval.toSeconds(),
          ">= 1");
      check(maxInFlight >= 1, "max-in-flight", maxInFlight, ">= 1");
      check(sourceAddresses >= 0 && sourceAddresses <= SourceAddresses.MAX, "source-addresses",
          sourceAddresses, "0.." + SourceAddresses.MAX);
      return new LatencyBenchConfig(this);
    }
  }

  static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ")");
    }
  }
}
