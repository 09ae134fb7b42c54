package io.posrelay.relay;

import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Collects values; {@link #build()} validates them. Not thread-safe. Get one with every default
 * set from {@link RelayConfig#builder()}; the keys, defaults and ranges are in the table on
 * {@link RelayConfig}.
 */
public final class RelayConfigBuilder {
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern ADMIN_TOKEN = Pattern.compile("[\\x21-\\x7E]{32,1024}");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+):([1-9][0-9]{0,4})");

  // Package-private: RelayConfig's constructor copies them once build() has checked them.
  String nodeId = RelayConfig.defaultNodeId();
  String kafkaBootstrap = "127.0.0.1:9092";
  String host = "0.0.0.0";
  int port = 7001;
  int metricsPort = 9101;
  Duration ackTimeout = Duration.ofSeconds(5);
  Duration heartbeatInterval = Duration.ofSeconds(10);
  int maxFrameBytes = 16 * 1024;
  int maxConnections = 200_000;
  long dedupMaxEntries = 1_000_000;
  Duration dedupTtl = Duration.ofMinutes(15);
  Duration partitionRefreshInterval = Duration.ofSeconds(30);
  Duration shutdownDrain = Duration.ofSeconds(5);
  String resultsTopic = Topics.RESULTS;
  String claimsTopic = Topics.CLAIMS;
  String sessionsTopic = Topics.SESSIONS;
  String adminAddress = "127.0.0.1:9090";
  Duration claimDeadline = Duration.ofSeconds(3);
  int maxConcurrentRecoveries = 16;
  int writeBufferLowBytes = 32 * 1024;
  int writeBufferHighBytes = 64 * 1024;
  Duration writeStallTimeout = Duration.ofSeconds(10);
  String adminToken = "";
  @Nullable Path adminTlsCaFile;
  Duration helloTimeout = Duration.ofSeconds(5);
  @Nullable TerminalTokens terminalTokens;
  int authMaxFailures = 5;
  Duration authFailureWindow = Duration.ofMinutes(1);
  Duration authCooldown = Duration.ofMinutes(1);
  @Nullable Path tlsCertFile;
  @Nullable Path tlsKeyFile;

  RelayConfigBuilder() {}

  /**
   * @param adminToken the operator token recovery calls to admin-api carry, 32..1024 visible
   *     ASCII characters; "" = none
   * @return this
   */
  public RelayConfigBuilder adminToken(String adminToken) {
    this.adminToken = adminToken;
    return this;
  }

  /**
   * @param adminTlsCaFile PEM CA certificates trusted for TLS to admin-api; null = plaintext
   * @return this
   */
  public RelayConfigBuilder adminTlsCaFile(@Nullable Path adminTlsCaFile) {
    this.adminTlsCaFile = adminTlsCaFile;
    return this;
  }

  /** @param nodeId [A-Za-z0-9_.-]{1,64} @return this */
  public RelayConfigBuilder nodeId(String nodeId) {
    this.nodeId = nodeId;
    return this;
  }

  /** @param kafkaBootstrap Kafka {@code bootstrap.servers}, e.g. "127.0.0.1:9092" @return this */
  public RelayConfigBuilder kafkaBootstrap(String kafkaBootstrap) {
    this.kafkaBootstrap = kafkaBootstrap;
    return this;
  }

  /** @param host bind address, e.g. "0.0.0.0" or "127.0.0.1" @return this */
  public RelayConfigBuilder host(String host) {
    this.host = host;
    return this;
  }

  /** @param port POS TCP port, 0..65535; 0 = random free port @return this */
  public RelayConfigBuilder port(int port) {
    this.port = port;
    return this;
  }

  /** @param metricsPort metrics HTTP port, 0..65535; 0 = random free port @return this */
  public RelayConfigBuilder metricsPort(int metricsPort) {
    this.metricsPort = metricsPort;
    return this;
  }

  /** @param ackTimeout time a terminal has to ack a result, > 0 @return this */
  public RelayConfigBuilder ackTimeout(Duration ackTimeout) {
    this.ackTimeout = ackTimeout;
    return this;
  }

  /** @param heartbeatInterval terminal ping interval, 100 ms..10 min @return this */
  public RelayConfigBuilder heartbeatInterval(Duration heartbeatInterval) {
    this.heartbeatInterval = heartbeatInterval;
    return this;
  }

  /** @param maxFrameBytes largest inbound frame in bytes, 64..16 MiB @return this */
  public RelayConfigBuilder maxFrameBytes(int maxFrameBytes) {
    this.maxFrameBytes = maxFrameBytes;
    return this;
  }

  /** @param maxConnections most open POS connections, >= 1 @return this */
  public RelayConfigBuilder maxConnections(int maxConnections) {
    this.maxConnections = maxConnections;
    return this;
  }

  /** @param dedupMaxEntries most remembered acked result ids, >= 0; 0 = no dedup @return this */
  public RelayConfigBuilder dedupMaxEntries(long dedupMaxEntries) {
    this.dedupMaxEntries = dedupMaxEntries;
    return this;
  }

  /** @param dedupTtl how long an acked result id is remembered, > 0 @return this */
  public RelayConfigBuilder dedupTtl(Duration dedupTtl) {
    this.dedupTtl = dedupTtl;
    return this;
  }

  /** @param interval how often to look for added partitions, >= 1 s @return this */
  public RelayConfigBuilder partitionRefreshInterval(Duration interval) {
    this.partitionRefreshInterval = interval;
    return this;
  }

  /**
   * @param shutdownDrain upper bound on waiting for in-flight acks at shutdown, >= 0; 0 = fail
   *     them at once
   * @return this
   */
  public RelayConfigBuilder shutdownDrain(Duration shutdownDrain) {
    this.shutdownDrain = shutdownDrain;
    return this;
  }

  /** @param resultsTopic the results topic name, non-blank @return this */
  public RelayConfigBuilder resultsTopic(String resultsTopic) {
    this.resultsTopic = resultsTopic;
    return this;
  }

  /** @param claimsTopic the claims topic name, non-blank @return this */
  public RelayConfigBuilder claimsTopic(String claimsTopic) {
    this.claimsTopic = claimsTopic;
    return this;
  }

  /** @param sessionsTopic the sessions topic name, non-blank @return this */
  public RelayConfigBuilder sessionsTopic(String sessionsTopic) {
    this.sessionsTopic = sessionsTopic;
    return this;
  }

  /**
   * @param adminAddress admin-api's gRPC {@code host:port}; empty = no recovery on reconnect
   * @return this
   */
  public RelayConfigBuilder adminAddress(String adminAddress) {
    this.adminAddress = adminAddress;
    return this;
  }

  /** @param claimDeadline the ledger's claim deadline, > 0 @return this */
  public RelayConfigBuilder claimDeadline(Duration claimDeadline) {
    this.claimDeadline = claimDeadline;
    return this;
  }

  /**
   * @param maxConcurrentRecoveries most recovery asks in flight to admin-api at once, >= 1
   * @return this
   */
  public RelayConfigBuilder maxConcurrentRecoveries(int maxConcurrentRecoveries) {
    this.maxConcurrentRecoveries = maxConcurrentRecoveries;
    return this;
  }

  /**
   * @param lowBytes low watermark of each terminal's outbound buffer, >= 1
   * @param highBytes high watermark, > lowBytes, <= 64 MiB
   * @return this
   */
  public RelayConfigBuilder writeBufferWaterMark(int lowBytes, int highBytes) {
    this.writeBufferLowBytes = lowBytes;
    this.writeBufferHighBytes = highBytes;
    return this;
  }

  /** @param writeStallTimeout longest a terminal may stay unwritable, > 0 @return this */
  public RelayConfigBuilder writeStallTimeout(Duration writeStallTimeout) {
    this.writeStallTimeout = writeStallTimeout;
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
    check(!sessionsTopic.isBlank(), "sessions-topic", sessionsTopic, "a topic name");
    check(adminAddress.isEmpty() || HOST_PORT.matcher(adminAddress).matches(), "admin",
        adminAddress, "host:port, or empty to disable recovery");
    check(claimDeadline.toMillis() > 0, "claim-deadline.ms", claimDeadline.toMillis(), "> 0");
    check(maxConcurrentRecoveries >= 1, "max-concurrent-recoveries", maxConcurrentRecoveries,
        ">= 1");
    check(writeBufferLowBytes >= 1, "write-buffer.low-bytes", writeBufferLowBytes, ">= 1");
    check(writeBufferHighBytes > writeBufferLowBytes && writeBufferHighBytes <= 64 << 20,
        "write-buffer.high-bytes", writeBufferHighBytes,
        "> write-buffer.low-bytes (" + writeBufferLowBytes + ") and <= 67108864");
    check(writeStallTimeout.toMillis() > 0, "write-stall-timeout.ms",
        writeStallTimeout.toMillis(), "> 0");
    check(adminToken.isEmpty() || ADMIN_TOKEN.matcher(adminToken).matches(), "admin-token",
        "(" + adminToken.length() + " characters, not shown)",
        "32..1024 visible ASCII characters, or empty for none");
    check(adminTlsCaFile == null || Files.isReadable(adminTlsCaFile), "admin-tls-ca-file",
        adminTlsCaFile, "a readable PEM file of CA certificates");
    check(helloTimeout.toMillis() >= 100 && helloTimeout.toMillis() <= 600_000,
        "hello-timeout.ms", helloTimeout.toMillis(), "100..600000");
    check(authMaxFailures >= 1 && authMaxFailures <= 1000, "auth-failures.max", authMaxFailures,
        "1..1000");
    check(authFailureWindow.toMillis() > 0, "auth-failures.window.ms",
        authFailureWindow.toMillis(), "> 0");
    check(authCooldown.toMillis() > 0, "auth-cooldown.ms", authCooldown.toMillis(), "> 0");
    check(tlsCertFile != null || tlsKeyFile == null, "tls-cert-file", "(none)",
        "set together with tls-key-file");
    check(tlsKeyFile != null || tlsCertFile == null, "tls-key-file", "(none)",
        "set together with tls-cert-file");
    checkReadable("tls-cert-file", tlsCertFile);
    checkReadable("tls-key-file", tlsKeyFile);
    return new RelayConfig(this);
  }

  /**
   * @param helloTimeout how long a new connection has to deliver its Hello, 100 ms..10 min
   * @return this
   */
  public RelayConfigBuilder helloTimeout(Duration helloTimeout) {
    this.helloTimeout = helloTimeout;
    return this;
  }

  /**
   * @param terminalTokens the terminal secrets (see {@link
   *     io.posrelay.relay.auth.TerminalSecrets#load}); {@code null} = authentication off
   * @return this
   */
  public RelayConfigBuilder terminalTokens(@Nullable TerminalTokens terminalTokens) {
    this.terminalTokens = terminalTokens;
    return this;
  }

  /**
   * The failed-authentication limit per remote address.
   *
   * @param maxFailures failed Hellos within {@code window} that start a cool-down, 1..1000
   * @param window how far back failures count, > 0
   * @param cooldown how long the address's Hellos are then refused unchecked, > 0
   * @return this
   */
  public RelayConfigBuilder authFailureLimit(int maxFailures, Duration window, Duration cooldown) {
    this.authMaxFailures = maxFailures;
    this.authFailureWindow = window;
    this.authCooldown = cooldown;
    return this;
  }

  /**
   * TLS on the POS listener.
   *
   * @param certFile PEM certificate chain, or {@code null}
   * @param keyFile PEM PKCS#8 private key, or {@code null}; both or neither
   * @return this
   */
  public RelayConfigBuilder tls(@Nullable Path certFile, @Nullable Path keyFile) {
    this.tlsCertFile = certFile;
    this.tlsKeyFile = keyFile;
    return this;
  }

  private static void checkReadable(String key, @Nullable Path file) {
    if (file != null) {
      check(Files.isRegularFile(file) && Files.isReadable(file), key, file, "a readable file");
    }
  }

  private static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ")");
    }
  }
}
