package io.posrelay.relay;

import io.posrelay.v1.kafka.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The configuration of one relay node. Immutable; built with {@link #builder()}, which checks
 * every value and names the bad key: {@code "ack-timeout.ms: -5 (expected: > 0)"}.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>range</th></tr>
 *   <tr><td>node-id</td><td>{@link #defaultNodeId()}</td><td>[A-Za-z0-9_.-]{1,64}</td></tr>
 *   <tr><td>kafka</td><td>127.0.0.1:9092</td><td>non-blank host:port list</td></tr>
 *   <tr><td>host</td><td>0.0.0.0</td><td>bind address of both listeners</td></tr>
 *   <tr><td>port</td><td>7001</td><td>0..65535, 0 = random free port</td></tr>
 *   <tr><td>metrics-port</td><td>9101</td><td>0..65535, 0 = random free port</td></tr>
 *   <tr><td>ack-timeout.ms</td><td>5000</td><td>&gt; 0</td></tr>
 *   <tr><td>heartbeat-interval.ms</td><td>10000</td><td>100..600000</td></tr>
 *   <tr><td>max-frame-bytes</td><td>16384</td><td>64..16777216</td></tr>
 *   <tr><td>max-connections</td><td>200000</td><td>&gt;= 1</td></tr>
 *   <tr><td>dedup.max-entries</td><td>1000000</td><td>&gt;= 0, 0 = no dedup</td></tr>
 *   <tr><td>dedup.ttl.ms</td><td>900000 (15 min)</td><td>&gt; 0</td></tr>
 *   <tr><td>shutdown-drain.ms</td><td>5000</td><td>&gt;= 0; see {@link #drainTimeout()}</td></tr>
 *   <tr><td>partition-refresh.ms</td><td>30000</td><td>&gt;= 1000</td></tr>
 *   <tr><td>results-topic / claims-topic</td><td>posrelay.results / posrelay.claims</td>
 *       <td>non-blank</td></tr>
 * </table>
 */
public final class RelayConfig {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String nodeId;
  private final String kafkaBootstrap;
  private final String host;
  private final int port;
  private final int metricsPort;
  private final Duration ackTimeout;
  private final Duration heartbeatInterval;
  private final int maxFrameBytes;
  private final int maxConnections;
  private final long dedupMaxEntries;
  private final Duration dedupTtl;
  private final Duration partitionRefreshInterval;
  private final Duration shutdownDrain;
  private final String resultsTopic;
  private final String claimsTopic;

  private RelayConfig(Builder b) {
    nodeId = b.nodeId;
    kafkaBootstrap = b.kafkaBootstrap;
    host = b.host;
    port = b.port;
    metricsPort = b.metricsPort;
    ackTimeout = b.ackTimeout;
    heartbeatInterval = b.heartbeatInterval;
    maxFrameBytes = b.maxFrameBytes;
    maxConnections = b.maxConnections;
    dedupMaxEntries = b.dedupMaxEntries;
    dedupTtl = b.dedupTtl;
    partitionRefreshInterval = b.partitionRefreshInterval;
    shutdownDrain = b.shutdownDrain;
    resultsTopic = b.resultsTopic;
    claimsTopic = b.claimsTopic;
  }

  /** A builder with every default set. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The default node id: {@code "relay-"} plus this host's name, with characters outside
   * {@code [A-Za-z0-9_.-]} replaced by {@code -} and cut to 64 characters; {@code
   * "relay-localhost"} if the name cannot be resolved.
   */
  public static String defaultNodeId() {
    String hostname;
    try {
      hostname = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      hostname = "localhost";
    }
    String id = ("relay-" + hostname).replaceAll("[^A-Za-z0-9_.-]", "-");
    return id.length() > 64 ? id.substring(0, 64) : id;
  }

  /** This node's id, in Welcome and in every claim. */
  public String nodeId() {
    return nodeId;
  }

  /** Kafka {@code bootstrap.servers}. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** Bind address of the POS and metrics listeners. */
  public String host() {
    return host;
  }

  /** POS TCP port; 0 = a random free port. */
  public int port() {
    return port;
  }

  /** Metrics HTTP port; 0 = a random free port. */
  public int metricsPort() {
    return metricsPort;
  }

  /** How long a terminal has to ack a written result. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /** How often terminals must ping; the node closes after 3 silent intervals. */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** Largest accepted inbound frame, excluding its length prefix, in bytes. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** Most open POS connections on this node. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Most acked result ids remembered for dedup; 0 = no dedup. */
  public long dedupMaxEntries() {
    return dedupMaxEntries;
  }

  /** How long an acked result id is remembered for dedup. */
  public Duration dedupTtl() {
    return dedupTtl;
  }

  /** How often the results consumer looks for partitions added to the results topic. */
  public Duration partitionRefreshInterval() {
    return partitionRefreshInterval;
  }

  /** The results topic. */
  public String resultsTopic() {
    return resultsTopic;
  }

  /** The claims topic. */
  public String claimsTopic() {
    return claimsTopic;
  }

  /**
   * How long shutdown waits for results in flight to be acked before failing them with
   * NODE_SHUTDOWN: the smaller of the ack timeout and shutdown-drain.ms (default 5 s).
   */
  public Duration drainTimeout() {
    return ackTimeout.compareTo(shutdownDrain) < 0 ? ackTimeout : shutdownDrain;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "RelayConfig{node-id=%s, kafka=%s, host=%s, port=%d, metrics-port=%d, ack-timeout.ms=%d,"
            + " heartbeat-interval.ms=%d, max-frame-bytes=%d, max-connections=%d,"
            + " dedup.max-entries=%d, dedup.ttl.ms=%d, results-topic=%s, claims-topic=%s}",
        nodeId, kafkaBootstrap, host, port, metricsPort, ackTimeout.toMillis(),
        heartbeatInterval.toMillis(), maxFrameBytes, maxConnections, dedupMaxEntries,
        dedupTtl.toMillis(), resultsTopic, claimsTopic);
  }

  /** Collects values; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private String nodeId = defaultNodeId();
    private String kafkaBootstrap = "127.0.0.1:9092";
    private String host = "0.0.0.0";
    private int port = 7001;
    private int metricsPort = 9101;
    private Duration ackTimeout = Duration.ofSeconds(5);
    private Duration heartbeatInterval = Duration.ofSeconds(10);
    private int maxFrameBytes = 16 * 1024;
    private int maxConnections = 200_000;
    private long dedupMaxEntries = 1_000_000;
    private Duration dedupTtl = Duration.ofMinutes(15);
    private Duration partitionRefreshInterval = Duration.ofSeconds(30);
    private Duration shutdownDrain = Duration.ofSeconds(5);
    private String resultsTopic = Topics.RESULTS;
    private String claimsTopic = Topics.CLAIMS;

    private Builder() {}

    /** @param nodeId [A-Za-z0-9_.-]{1,64} @return this */
    public Builder nodeId(String nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /** @param kafkaBootstrap Kafka {@code bootstrap.servers}, e.g. "127.0.0.1:9092" @return this */
    public Builder kafkaBootstrap(String kafkaBootstrap) {
      this.kafkaBootstrap = kafkaBootstrap;
      return this;
    }

    /** @param host bind address, e.g. "0.0.0.0" or "127.0.0.1" @return this */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** @param port POS TCP port, 0..65535; 0 = random free port @return this */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** @param metricsPort metrics HTTP port, 0..65535; 0 = random free port @return this */
    public Builder metricsPort(int metricsPort) {
      this.metricsPort = metricsPort;
      return this;
    }

    /** @param ackTimeout time a terminal has to ack a result, > 0 @return this */
    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = ackTimeout;
      return this;
    }

    /** @param heartbeatInterval terminal ping interval, 100 ms..10 min @return this */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      this.heartbeatInterval = heartbeatInterval;
      return this;
    }

    /** @param maxFrameBytes largest inbound frame in bytes, 64..16 MiB @return this */
    public Builder maxFrameBytes(int maxFrameBytes) {
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** @param maxConnections most open POS connections, >= 1 @return this */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /** @param dedupMaxEntries most remembered acked result ids, >= 0; 0 = no dedup @return this */
    public Builder dedupMaxEntries(long dedupMaxEntries) {
      this.dedupMaxEntries = dedupMaxEntries;
      return this;
    }

    /** @param dedupTtl how long an acked result id is remembered, > 0 @return this */
    public Builder dedupTtl(Duration dedupTtl) {
      this.dedupTtl = dedupTtl;
      return this;
    }

    /** @param interval how often to look for added partitions, >= 1 s @return this */
    public Builder partitionRefreshInterval(Duration interval) {
      this.partitionRefreshInterval = interval;
      return this;
    }

    /**
     * @param shutdownDrain upper bound on waiting for in-flight acks at shutdown, >= 0; 0 = fail
     *     them at once
     * @return this
     */
    public Builder shutdownDrain(Duration shutdownDrain) {
      this.shutdownDrain = shutdownDrain;
      return this;
    }

    /** @param resultsTopic the results topic name, non-blank @return this */
    public Builder resultsTopic(String resultsTopic) {
      this.resultsTopic = resultsTopic;
      return this;
    }

    /** @param claimsTopic the claims topic name, non-blank @return this */
    public Builder claimsTopic(String claimsTopic) {
      this.claimsTopic = claimsTopic;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first bad key, its value and the expected range
     */
    public RelayConfig build() {
      check(NODE_ID.matcher(nodeId).matches(), "node-id", nodeId, "[A-Za-z0-9_.-]{1,64}");
      check(!kafkaBootstrap.isBlank(), "kafka", kafkaBootstrap, "host:port[,host:port…]");
      check(!host.isBlank(), "host", host, "a bind address");
      check(port >= 0 && port <= 65535, "port", port, "0..65535");
      check(metricsPort >= 0 && metricsPort <= 65535, "metrics-port", metricsPort, "0..65535");
      check(ackTimeout.toMillis() > 0, "ack-timeout.ms", ackTimeout.toMillis(), "> 0");
      long heartbeatMillis = heartbeatInterval.toMillis();
      check(heartbeatMillis >= 100 && heartbeatMillis <= 600_000, "heartbeat-interval.ms",
          heartbeatMillis, "100..600000");
      check(maxFrameBytes >= 64 && maxFrameBytes <= 16 * 1024 * 1024, "max-frame-bytes",
          maxFrameBytes, "64..16777216");
      check(maxConnections >= 1, "max-connections", maxConnections, ">= 1");
      check(dedupMaxEntries >= 0, "dedup.max-entries", dedupMaxEntries, ">= 0");
      check(dedupTtl.toMillis() > 0, "dedup.ttl.ms", dedupTtl.toMillis(), "> 0");
      check(partitionRefreshInterval.toMillis() >= 1000, "partition-refresh.ms",
          partitionRefreshInterval.toMillis(), ">= 1000");
      check(!shutdownDrain.isNegative(), "shutdown-drain.ms", shutdownDrain.toMillis(), ">= 0");
      check(!resultsTopic.isBlank(), "results-topic", resultsTopic, "a topic name");
      check(!claimsTopic.isBlank(), "claims-topic", claimsTopic, "a topic name");
      return new RelayConfig(this);
    }

    private static void check(boolean ok, String key, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ")");
      }
    }
  }
}
