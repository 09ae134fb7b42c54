package io.posrelay.relay;

import io.posrelay.pos.v1.auth.TerminalTokens;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

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
 *   <tr><td>results-topic / claims-topic / sessions-topic</td>
 *       <td>posrelay.results / posrelay.claims / posrelay.sessions</td><td>non-blank</td></tr>
 *   <tr><td>admin</td><td>127.0.0.1:9090</td><td>host:port of admin-api's gRPC listener, or
 *       empty = no recovery on reconnect</td></tr>
 *   <tr><td>claim-deadline.ms</td><td>3000</td><td>&gt; 0; the ledger's claim deadline: a
 *       PENDING result older than this is recovered on Hello</td></tr>
 *   <tr><td>max-concurrent-recoveries</td><td>16</td><td>&gt;= 1; recovery asks to admin-api
 *       in flight at once; the rest wait in FIFO order</td></tr>
 *   <tr><td>write-buffer.low-bytes / write-buffer.high-bytes</td><td>32768 / 65536</td>
 *       <td>1 &lt;= low &lt; high &lt;= 64 MiB</td></tr>
 *   <tr><td>write-stall-timeout.ms</td><td>10000</td><td>&gt; 0</td></tr>
 *   <tr><td>admin-token</td><td>"" (none)</td><td>the operator token sent to admin-api; ""
 *       or 32..1024 visible ASCII characters; never printed</td></tr>
 *   <tr><td>admin-tls-ca-file</td><td>none: plaintext</td><td>PEM CA certificates trusted for
 *       TLS to admin-api; a readable file</td></tr>
 *   <tr><td>hello-timeout.ms</td><td>5000</td><td>100..600000; a connection without a frame
 *       by then (TLS handshake included) is closed</td></tr>
 *   <tr><td>terminal-secret-file (or env POSRELAY_TERMINAL_SECRETS)</td><td>none =
 *       terminal authentication off</td><td>1 or 2 secrets of &gt;= 32 characters; see
 *       {@link io.posrelay.relay.auth.TerminalSecrets}</td></tr>
 *   <tr><td>auth-failures.max</td><td>5</td><td>1..1000; failed Hellos from one address within
 *       auth-failures.window.ms that start a cool-down</td></tr>
 *   <tr><td>auth-failures.window.ms</td><td>60000</td><td>&gt; 0</td></tr>
 *   <tr><td>auth-cooldown.ms</td><td>60000</td><td>&gt; 0; Hellos from the address are refused
 *       unchecked meanwhile</td></tr>
 *   <tr><td>tls-cert-file / tls-key-file</td><td>none = plain TCP</td><td>PEM certificate
 *       chain and PEM PKCS#8 key, both or neither, readable files</td></tr>
 * </table>
 */
public final class RelayConfig {
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
  private final String sessionsTopic;
  private final String adminAddress;
  private final Duration claimDeadline;
  private final int maxConcurrentRecoveries;
  private final int writeBufferLowBytes;
  private final int writeBufferHighBytes;
  private final Duration writeStallTimeout;
  // Client of admin-api (recovery): operator token and TLS.
  private final String adminToken;
  private final @Nullable Path adminTlsCaFile;
  private final Duration helloTimeout;
  private final @Nullable TerminalTokens terminalTokens;
  private final int authMaxFailures;
  private final Duration authFailureWindow;
  private final Duration authCooldown;
  private final @Nullable Path tlsCertFile;
  private final @Nullable Path tlsKeyFile;

  RelayConfig(RelayConfigBuilder b) {
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
    sessionsTopic = b.sessionsTopic;
    adminAddress = b.adminAddress;
    claimDeadline = b.claimDeadline;
    maxConcurrentRecoveries = b.maxConcurrentRecoveries;
    writeBufferLowBytes = b.writeBufferLowBytes;
    writeBufferHighBytes = b.writeBufferHighBytes;
    writeStallTimeout = b.writeStallTimeout;
    adminToken = b.adminToken;
    adminTlsCaFile = b.adminTlsCaFile;
    helloTimeout = b.helloTimeout;
    terminalTokens = b.terminalTokens;
    authMaxFailures = b.authMaxFailures;
    authFailureWindow = b.authFailureWindow;
    authCooldown = b.authCooldown;
    tlsCertFile = b.tlsCertFile;
    tlsKeyFile = b.tlsKeyFile;
  }

  /** A builder with every default set. */
  public static RelayConfigBuilder builder() {
    return new RelayConfigBuilder();
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

  /** The sessions topic (compacted), which drives session takeover across nodes. */
  public String sessionsTopic() {
    return sessionsTopic;
  }

  /**
   * admin-api's gRPC address as {@code host:port}, asked for a terminal's undelivered results
   * after its Hello; empty = recovery on reconnect is off.
   */
  public String adminAddress() {
    return adminAddress;
  }

  /**
   * The ledger's claim deadline: a PENDING result received longer ago than this is one no node
   * delivered, so recovery on Hello delivers it.
   */
  public Duration claimDeadline() {
    return claimDeadline;
  }

  /**
   * Most recovery asks ({@code ListDeliveries}) in flight to admin-api at once on this node, >= 1;
   * the asks of other new sessions wait their turn, first come first served.
   */
  public int maxConcurrentRecoveries() {
    return maxConcurrentRecoveries;
  }

  /** A terminal's channel becomes writable again when its outbound buffer drops below this. */
  public int writeBufferLowBytes() {
    return writeBufferLowBytes;
  }

  /** A terminal's channel becomes unwritable when its outbound buffer exceeds this. */
  public int writeBufferHighBytes() {
    return writeBufferHighBytes;
  }

  /**
   * How long a terminal's channel may stay unwritable (the terminal does not read) before its
   * results in flight fail with WRITE_FAILED and it is disconnected.
   */
  public Duration writeStallTimeout() {
    return writeStallTimeout;
  }

  /** The operator token recovery calls to admin-api carry; "" = none. A secret: never log it. */
  public String adminToken() {
    return adminToken;
  }

  /** PEM CA certificates trusted for TLS to admin-api; null = plaintext. */
  public @Nullable Path adminTlsCaFile() {
    return adminTlsCaFile;
  }

  /**
   * How long a new POS connection has to deliver its first frame (which must be Hello), TLS
   * handshake included; then it gets Error CODE_HELLO_REQUIRED and is closed.
   */
  public Duration helloTimeout() {
    return helloTimeout;
  }

  /**
   * The terminal secrets that Hello.auth_token is checked against, or {@code null} when terminal
   * authentication is off (any token accepted).
   */
  public @Nullable TerminalTokens terminalTokens() {
    return terminalTokens;
  }

  /**
   * Failed Hellos from one remote address within {@link #authFailureWindow} that start a
   * cool-down.
   */
  public int authMaxFailures() {
    return authMaxFailures;
  }

  /** How far back failed Hellos of an address count towards {@link #authMaxFailures}. */
  public Duration authFailureWindow() {
    return authFailureWindow;
  }

  /** How long an address that reached the failure limit has its Hellos refused unchecked. */
  public Duration authCooldown() {
    return authCooldown;
  }

  /** PEM certificate chain of the POS listener, or {@code null} when TLS is off. */
  public @Nullable Path tlsCertFile() {
    return tlsCertFile;
  }

  /** PEM PKCS#8 private key of the POS listener, or {@code null} when TLS is off. */
  public @Nullable Path tlsKeyFile() {
    return tlsKeyFile;
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
            + " dedup.max-entries=%d, dedup.ttl.ms=%d, results-topic=%s, claims-topic=%s,"
            + " sessions-topic=%s, admin=%s, claim-deadline.ms=%d,"
            + " max-concurrent-recoveries=%d, write-buffer.low-bytes=%d,"
            + " write-buffer.high-bytes=%d, write-stall-timeout.ms=%d, admin-token=%s,"
            + " admin-tls-ca-file=%s, hello-timeout.ms=%d,"
            + " terminal-auth=%s, auth-failures.max=%d, auth-failures.window.ms=%d,"
            + " auth-cooldown.ms=%d, tls=%s}",
        nodeId, kafkaBootstrap, host, port, metricsPort, ackTimeout.toMillis(),
        heartbeatInterval.toMillis(), maxFrameBytes, maxConnections, dedupMaxEntries,
        dedupTtl.toMillis(), resultsTopic, claimsTopic, sessionsTopic, adminAddress,
        claimDeadline.toMillis(), maxConcurrentRecoveries, writeBufferLowBytes, writeBufferHighBytes,
        writeStallTimeout.toMillis(), adminToken.isEmpty() ? "(none)" : "(set)",
        adminTlsCaFile == null ? "(plaintext)" : adminTlsCaFile, helloTimeout.toMillis(),
        terminalTokens == null ? "off" : "on (" + terminalTokens.secretCount() + " secrets)",
        authMaxFailures, authFailureWindow.toMillis(), authCooldown.toMillis(),
        tlsCertFile == null ? "off" : tlsCertFile + " " + tlsKeyFile);
  }
}
