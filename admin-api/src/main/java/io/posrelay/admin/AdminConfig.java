package io.posrelay.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
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
 *   <tr><td>application-id</td><td>posrelay-admin</td><td>Kafka Streams application.id,
 *       [A-Za-z0-9._-]{1,100}; instances with the same id share the ledger's partitions</td></tr>
 *   <tr><td>state-dir</td><td>.posrelay/admin-state</td><td>RocksDB state, relative to the working
 *       directory; one per instance on a machine</td></tr>
 *   <tr><td>replication-factor</td><td>1</td><td>of the ledger's changelog topics, 1..32; 3 in
 *       production</td></tr>
 *   <tr><td>retention.ms</td><td>86,400,000 (24 h)</td><td>FAILED/DELIVERED → EXPIRED; &gt; 0</td></tr>
 *   <tr><td>grace.ms</td><td>3,600,000 (1 h)</td><td>EXPIRED → purged; &gt; 0</td></tr>
 *   <tr><td>advertised-host</td><td>host, or the host name if host is a wildcard</td><td>how
 *       other instances reach this one's gRPC port</td></tr>
 *   <tr><td>commit-interval.ms</td><td>1000</td><td>Kafka Streams commit.interval.ms: how often
 *       the ledger's exactly-once transaction commits, so how soon transitions become visible to
 *       read_committed readers (queries see them at once); &gt; 0. Each commit blocks the stream
 *       thread for several broker round trips: at 100 ms (Streams' exactly-once default) the
 *       ledger fell behind at 400 results/s on the 2-core bench machine (docs/benchmarks.md)</td></tr>
 *   <tr><td>security</td><td>{@link AdminSecurity#NONE}</td><td>operator tokens and TLS; its
 *       keys are in {@link AdminSecurity}</td></tr>
 * </table>
 */
public final class AdminConfig {
  private final String kafkaBootstrap;
  private final String host;
  private final int port;
  private final int metricsPort;
  private final Duration claimDeadline;
  private final Duration ackTimeout;
  private final String applicationId;
  private final Path stateDir;
  private final int replicationFactor;
  private final Duration retention;
  private final Duration grace;
  private final Duration commitInterval;
  private final String advertisedHost;
  private final AdminSecurity security;

  private AdminConfig(Builder b) {
    this.kafkaBootstrap = b.kafkaBootstrap;
    this.host = b.host;
    this.port = b.port;
    this.metricsPort = b.metricsPort;
    this.claimDeadline = b.claimDeadline;
    this.ackTimeout = b.ackTimeout;
    this.applicationId = b.applicationId;
    this.stateDir = b.stateDir;
    this.replicationFactor = b.replicationFactor;
    this.retention = b.retention;
    this.grace = b.grace;
    this.commitInterval = b.commitInterval;
    this.security = b.security;
    this.advertisedHost = b.advertisedHost.isEmpty() ? defaultAdvertisedHost(b.host) : b.advertisedHost;
  }

  private static String defaultAdvertisedHost(String host) {
    if (!host.equals("0.0.0.0") && !host.equals("::")) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
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

  /** The Kafka Streams {@code application.id}: also the consumer group and the prefix of the
   * ledger's changelog topics. */
  public String applicationId() {
    return applicationId;
  }

  /** Where the ledger's RocksDB stores live (Kafka Streams {@code state.dir}). */
  public Path stateDir() {
    return stateDir;
  }

  /** Replication factor of the ledger's changelog topics. */
  public int replicationFactor() {
    return replicationFactor;
  }

  /** How long a FAILED or DELIVERED record is kept before it becomes EXPIRED. */
  public Duration retention() {
    return retention;
  }

  /** How long an EXPIRED record is kept before it is purged. */
  public Duration grace() {
    return grace;
  }

  /**
   * The host other admin-api instances reach this one's gRPC port at (Kafka Streams {@code
   * application.server} is this plus the gRPC port).
   */
  public String advertisedHost() {
    return advertisedHost;
  }

  /** Kafka Streams' {@code commit.interval.ms}. */
  public Duration commitInterval() {
    return commitInterval;
  }

  /** Operator tokens and TLS of the gRPC listener and the peer fan-out. */
  public AdminSecurity security() {
    return security;
  }

  @Override
  public String toString() {
    return "AdminConfig{kafka.bootstrap=" + kafkaBootstrap + ", host=" + host + ", port=" + port
        + ", metrics-port=" + metricsPort + ", claim-deadline.ms=" + claimDeadline.toMillis()
        + ", ack-timeout.ms=" + ackTimeout.toMillis() + ", application-id=" + applicationId + ", state-dir=" + stateDir
        + ", replication-factor=" + replicationFactor + ", retention.ms=" + retention.toMillis()
        + ", grace.ms=" + grace.toMillis() + ", advertised-host=" + advertisedHost + ", commit-interval.ms=" + commitInterval.toMillis()
        + ", " + security + "}";
  }

  /** Builds an {@link AdminConfig}. Not thread-safe. */
  public static final class Builder {
    private String kafkaBootstrap = "127.0.0.1:9092";
    private String host = "0.0.0.0";
    private int port = 9090;
    private int metricsPort = 9190;
    private Duration claimDeadline = Duration.ofSeconds(3);
    private Duration ackTimeout = Duration.ofSeconds(5);
    private String applicationId = "posrelay-admin";
    private Path stateDir = Path.of(".posrelay", "admin-state");
    private int replicationFactor = 1;
    private Duration retention = Duration.ofHours(24);
    private Duration grace = Duration.ofHours(1);
    private Duration commitInterval = Duration.ofMillis(1000);
    private String advertisedHost = "";
    private AdminSecurity security = AdminSecurity.NONE;

    private Builder() {}

    /** Operator tokens and TLS, validated already; default {@link AdminSecurity#NONE}. */
    public Builder security(AdminSecurity security) {
      this.security = Objects.requireNonNull(security, "security");
      return this;
    }

    /**
     * The host other instances reach this one at; default "": {@code host}, or this machine's
     * host name when {@code host} is a wildcard address.
     */
    public Builder advertisedHost(String advertisedHost) {
      this.advertisedHost = Objects.requireNonNull(advertisedHost, "advertisedHost");
      return this;
    }

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

    /** The Kafka Streams application.id, [A-Za-z0-9._-]{1,100}; default posrelay-admin. */
    public Builder applicationId(String applicationId) {
      this.applicationId = Objects.requireNonNull(applicationId, "applicationId");
      return this;
    }

    /** The state directory; default {@code .posrelay/admin-state} under the working directory. */
    public Builder stateDir(Path stateDir) {
      this.stateDir = Objects.requireNonNull(stateDir, "stateDir");
      return this;
    }

    /** Replication factor of the changelog topics, 1..32; default 1 (3 in production). */
    public Builder replicationFactor(int replicationFactor) {
      this.replicationFactor = replicationFactor;
      return this;
    }

    /** FAILED/DELIVERED → EXPIRED after this, > 0; default 24 h. */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** EXPIRED → purged after this, > 0; default 1 h. */
    public Builder grace(Duration grace) {
      this.grace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /** Kafka Streams commit.interval.ms, > 0; default 1 s. */
    public Builder commitInterval(Duration commitInterval) {
      this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
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
      if (!applicationId.matches("[A-Za-z0-9._-]{1,100}")) {
        throw new IllegalArgumentException(
            "application-id: '" + applicationId + "' (expected: [A-Za-z0-9._-]{1,100})");
      }
      if (stateDir.toString().isBlank()) {
        throw new IllegalArgumentException("state-dir: '' (expected: a directory path)");
      }
      if (replicationFactor < 1 || replicationFactor > 32) {
        throw new IllegalArgumentException(
            "replication-factor: " + replicationFactor + " (expected: 1..32)");
      }
      checkPositive("retention.ms", retention);
      checkPositive("grace.ms", grace);
      checkPositive("commit-interval.ms", commitInterval);
      if (!advertisedHost.isEmpty() && !advertisedHost.matches("[A-Za-z0-9._:-]{1,253}")) {
        throw new IllegalArgumentException(
            "advertised-host: '" + advertisedHost + "' (expected: a host name or address)");
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
