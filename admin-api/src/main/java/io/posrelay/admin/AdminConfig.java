package io.posrelay.admin;

import java.time.Duration;
import java.util.Objects;

/**
 * admin-api's configuration: immutable, validated once by {@link Builder#build()}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>range</th></tr>
 *   <tr><td>kafka.bootstrap</td><td>127.0.0.1:9092</td><td>host:port[,host:port…]</td></tr>
 *   <tr><td>host</td><td>0.0.0.0</td><td>address to bind both listeners</td></tr>
 *   <tr><td>port</td><td>9090</td><td>gRPC; 0..65535, 0 = a free port</td></tr>
 *   <tr><td>metrics-port</td><td>9190</td><td>HTTP /metrics; 0..65535, 0 = a free port</td></tr>
 *   <tr><td>claim-deadline.ms</td><td>3000</td><td>&gt; 0</td></tr>
 *   <tr><td>ack-timeout.ms</td><td>5000</td><td>&gt; 0</td></tr>
 *   <tr><td>max-records</td><td>1,000,000</td><td>&gt;= 1 (about 1 KiB of heap each)</td></tr>
 * </table>
 */
public final class AdminConfig {
  private final String kafkaBootstrap;
  private final String host;
  private final int port;
  private final int metricsPort;
  private final Duration claimDeadline;
  private final Duration ackTimeout;
  private final int maxRecords;

  private AdminConfig(Builder b) {
    this.kafkaBootstrap = b.kafkaBootstrap;
    this.host = b.host;
    this.port = b.port;
    this.metricsPort = b.metricsPort;
    this.claimDeadline = b.claimDeadline;
    this.ackTimeout = b.ackTimeout;
    this.maxRecords = b.maxRecords;
  }

  /** A builder with every key at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Kafka bootstrap servers, {@code host:port[,host:port…]}. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** The address both listeners bind. */
  public String host() {
    return host;
  }

  /** The gRPC port; 0 = a free port. */
  public int port() {
    return port;
  }

  /** The HTTP port of {@code GET /metrics}; 0 = a free port. */
  public int metricsPort() {
    return metricsPort;
  }

  /** How long a result may stay PENDING before it is FAILED(UNCLAIMED). */
  public Duration claimDeadline() {
    return claimDeadline;
  }

  /** The relay nodes' ack timeout; DELIVERING longer than this plus the claim deadline fails. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** The most records the in-memory ledger keeps. */
  public int maxRecords() {
    return maxRecords;
  }

  @Override
  public String toString() {
    return "AdminConfig{kafka.bootstrap=" + kafkaBootstrap + ", host=" + host + ", port=" + port
        + ", metrics-port=" + metricsPort + ", claim-deadline.ms=" + claimDeadline.toMillis()
        + ", ack-timeout.ms=" + ackTimeout.toMillis() + ", max-records=" + maxRecords + "}";
  }

  /** Builds an {@link AdminConfig}. Not thread-safe. */
  public static final class Builder {
    private String kafkaBootstrap = "127.0.0.1:9092";
    private String host = "0.0.0.0";
    private int port = 9090;
    private int metricsPort = 9190;
    private Duration claimDeadline = Duration.ofSeconds(3);
    private Duration ackTimeout = Duration.ofSeconds(5);
    private int maxRecords = 1_000_000;

    private Builder() {}

    /** Kafka bootstrap servers, {@code host:port[,host:port…]}; default 127.0.0.1:9092. */
    public Builder kafkaBootstrap(String kafkaBootstrap) {
      this.kafkaBootstrap = Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
      return this;
    }

    /** The address to bind; default 0.0.0.0 (tests use 127.0.0.1). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The gRPC port, 0..65535; 0 = a free port; default 9090. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The HTTP metrics port, 0..65535; 0 = a free port; default 9190. */
    public Builder metricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    /** The claim deadline, > 0; default 3 s. */
    public Builder claimDeadline(Duration claimDeadline) {
      this.claimDeadline = Objects.requireNonNull(claimDeadline, "claimDeadline");
      return this;
    }

    /** The relay nodes' ack timeout, > 0; default 5 s. */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
      return this;
    }

    /** The most ledger records kept, >= 1; default 1,000,000. */
    public Builder maxRecords(int maxRecords) {
      this.maxRecords = maxRecords;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first bad key, e.g. {@code "ack-timeout.ms: -5
     *     (expected: > 0)"}
     */
    public AdminConfig build() {
      if (!kafkaBootstrap.matches("[^\\s,:]+:\\d{1,5}(,[^\\s,:]+:\\d{1,5})*")) {
        throw new IllegalArgumentException(
            "kafka.bootstrap: '" + kafkaBootstrap + "' (expected: host:port[,host:port...])");
      }
      if (host.isBlank()) {
        throw new IllegalArgumentException("host: '" + host + "' (expected: an address to bind)");
      }
      checkPort("port", port);
      checkPort("metrics-port", metricsPort);
      if (port != 0 && port == metricsPort) {
        throw new IllegalArgumentException(
            "metrics-port: " + metricsPort + " (expected: different from port)");
      }
      checkPositive("claim-deadline.ms", claimDeadline);
      checkPositive("ack-timeout.ms", ackTimeout);
      if (maxRecords < 1) {
        throw new IllegalArgumentException("max-records: " + maxRecords + " (expected: >= 1)");
      }
      return new AdminConfig(this);
    }

    private static void checkPort(String key, int value) {
      if (value < 0 || value > 65_535) {
        throw new IllegalArgumentException(key + ": " + value + " (expected: 0..65535)");
      }
    }

    private static void checkPositive(String key, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(key + ": " + value.toMillis() + " (expected: > 0)");
      }
    }
  }
}
