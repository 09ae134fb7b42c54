package io.posrelay.relay;

import io.posrelay.relay.auth.TerminalSecrets;
import io.posrelay.relay.grpc.AdminToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code relay-server}: runs one relay node until the JVM is told to stop (SIGTERM, Ctrl-C),
 * then shuts it down gracefully. Every option defaults from a {@code POSRELAY_…} environment
 * variable. Exit codes: 0 after a clean shutdown, 1 if the node cannot start (e.g. Kafka
 * unreachable, port in use), 2 for a bad option value.
 */
@Command(
    name = "relay-server",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a POS Relay node: POS terminals connect over TCP; every node reads every payment "
          + "result from Kafka and delivers those of the terminals it holds."
    })
public final class RelayServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RelayServerCommand.class);

  @Spec @Nullable CommandSpec spec;

  @Option(names = "--node-id", defaultValue = "${env:POSRELAY_NODE_ID}",
      description = "This node's id, [A-Za-z0-9_.-]{1,64}; in Welcome and in claims "
          + "(env POSRELAY_NODE_ID; default relay-<hostname>).")
  @Nullable String nodeId;

  @Option(names = "--kafka", defaultValue = "${env:POSRELAY_KAFKA:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers, host:port[,host:port] (env POSRELAY_KAFKA; "
          + "default ${DEFAULT-VALUE}).")
  String kafka = "127.0.0.1:9092";

  @Option(names = "--host", defaultValue = "${env:POSRELAY_HOST:-0.0.0.0}",
      description = "Bind address of the POS and metrics listeners (env POSRELAY_HOST; "
          + "default ${DEFAULT-VALUE}).")
  String host = "0.0.0.0";

  @Option(names = "--port", defaultValue = "${env:POSRELAY_PORT:-7001}",
      description = "POS TCP port; 0 = random (env POSRELAY_PORT; default ${DEFAULT-VALUE}).")
  int port = 7001;

  @Option(names = "--metrics-port", defaultValue = "${env:POSRELAY_METRICS_PORT:-9101}",
      description = "HTTP port of GET /metrics (Prometheus); 0 = random "
          + "(env POSRELAY_METRICS_PORT; default ${DEFAULT-VALUE}).")
  int metricsPort = 9101;

  @Option(names = "--ack-timeout-ms", defaultValue = "${env:POSRELAY_ACK_TIMEOUT_MS:-5000}",
      description = "Milliseconds a terminal has to ack a result before the delivery fails; > 0 "
          + "(env POSRELAY_ACK_TIMEOUT_MS; default ${DEFAULT-VALUE}).")
  long ackTimeoutMs = 5000;

  @Option(names = "--heartbeat-interval-ms",
      defaultValue = "${env:POSRELAY_HEARTBEAT_INTERVAL_MS:-10000}",
      description = "Terminal ping interval in milliseconds, sent in Welcome; silent connections "
          + "close after 3 intervals; 100..600000 (env POSRELAY_HEARTBEAT_INTERVAL_MS; "
          + "default ${DEFAULT-VALUE}).")
  long heartbeatIntervalMs = 10_000;

  @Option(names = "--max-frame-bytes", defaultValue = "${env:POSRELAY_MAX_FRAME_BYTES:-16384}",
      description = "Largest inbound POS frame in bytes; 64..16777216 "
          + "(env POSRELAY_MAX_FRAME_BYTES; default ${DEFAULT-VALUE}).")
  int maxFrameBytes = 16_384;

  @Option(names = "--max-connections",
      defaultValue = "${env:POSRELAY_MAX_CONNECTIONS:-200000}",
      description = "Most open POS connections; more get Error CODE_OVERLOADED; >= 1 "
          + "(env POSRELAY_MAX_CONNECTIONS; default ${DEFAULT-VALUE}).")
  int maxConnections = 200_000;

  @Option(names = "--dedup-max-entries",
      defaultValue = "${env:POSRELAY_DEDUP_MAX_ENTRIES:-1000000}",
      description = "Most acked result ids remembered so that ILK retries are not redelivered; "
          + "0 = off (env POSRELAY_DEDUP_MAX_ENTRIES; default ${DEFAULT-VALUE}).")
  long dedupMaxEntries = 1_000_000;

  @Option(names = "--dedup-ttl-ms", defaultValue = "${env:POSRELAY_DEDUP_TTL_MS:-900000}",
      description = "Milliseconds an acked result id is remembered; > 0 "
          + "(env POSRELAY_DEDUP_TTL_MS; default ${DEFAULT-VALUE}).")
  long dedupTtlMs = 900_000;

  @Option(names = "--shutdown-drain-ms", defaultValue = "${env:POSRELAY_SHUTDOWN_DRAIN_MS:-5000}",
      description = "At shutdown, milliseconds to wait for results in flight to be acked before "
          + "failing them with NODE_SHUTDOWN (capped by --ack-timeout-ms); >= 0 "
          + "(env POSRELAY_SHUTDOWN_DRAIN_MS; default ${DEFAULT-VALUE}).")
  long shutdownDrainMs = 5000;

  @Option(names = "--admin", defaultValue = "${env:POSRELAY_ADMIN:-127.0.0.1:9090}",
      description = "admin-api's gRPC address, host:port, asked for a terminal's undelivered "
          + "results after its Hello (recovery on reconnect); empty = recovery off "
          + "(env POSRELAY_ADMIN; default ${DEFAULT-VALUE}).")
  String admin = "127.0.0.1:9090";

  @Option(names = "--claim-deadline-ms",
      defaultValue = "${env:POSRELAY_CLAIM_DEADLINE_MS:-3000}",
      description = "The ledger's claim deadline in milliseconds (as admin-api's); recovery "
          + "redelivers a PENDING result only once it is older than this; > 0 "
          + "(env POSRELAY_CLAIM_DEADLINE_MS; default ${DEFAULT-VALUE}).")
  long claimDeadlineMs = 3000;

  @Option(names = "--max-concurrent-recoveries",
      defaultValue = "${env:POSRELAY_MAX_CONCURRENT_RECOVERIES:-16}",
      description = "Most recovery asks (ListDeliveries) in flight to admin-api at once; the "
          + "asks of other new sessions wait their turn; >= 1 "
          + "(env POSRELAY_MAX_CONCURRENT_RECOVERIES; default ${DEFAULT-VALUE}).")
  int maxConcurrentRecoveries = 16;

  @Option(names = "--write-buffer-low-bytes",
      defaultValue = "${env:POSRELAY_WRITE_BUFFER_LOW_BYTES:-32768}",
      description = "Low watermark of each terminal's outbound buffer in bytes; >= 1 "
          + "(env POSRELAY_WRITE_BUFFER_LOW_BYTES; default ${DEFAULT-VALUE}).")
  int writeBufferLowBytes = 32 * 1024;

  @Option(names = "--write-buffer-high-bytes",
      defaultValue = "${env:POSRELAY_WRITE_BUFFER_HIGH_BYTES:-65536}",
      description = "High watermark of each terminal's outbound buffer in bytes: a result for a "
          + "terminal above it fails with WRITE_FAILED and the terminal is disconnected; "
          + "> --write-buffer-low-bytes, <= 67108864 "
          + "(env POSRELAY_WRITE_BUFFER_HIGH_BYTES; default ${DEFAULT-VALUE}).")
  int writeBufferHighBytes = 64 * 1024;

  @Option(names = "--write-stall-timeout-ms",
      defaultValue = "${env:POSRELAY_WRITE_STALL_TIMEOUT_MS:-10000}",
      description = "Milliseconds a terminal's outbound buffer may stay above the high "
          + "watermark before its results in flight fail with WRITE_FAILED and it is "
          + "disconnected; > 0 (env POSRELAY_WRITE_STALL_TIMEOUT_MS; default ${DEFAULT-VALUE}).")
  long writeStallTimeoutMs = 10_000;

  // Client of admin-api (recovery): operator token and TLS. The token is never a flag value.

  @Option(names = "--admin-token-file", paramLabel = "PATH",
      description = "File holding the operator token recovery calls to admin-api carry "
          + "('authorization: Bearer <token>'): one line, or two during a rotation (the first is "
          + "sent). Wins over env " + AdminToken.ENV + ". Neither = no token.")
  @Nullable Path adminTokenFile;

  @Option(names = "--admin-tls-ca-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ADMIN_TLS_CA_FILE:-}",
      description = "PEM CA certificates to trust: recovery talks TLS to admin-api "
          + "(env POSRELAY_ADMIN_TLS_CA_FILE; default: plaintext).")
  String adminTlsCaFile = "";

  /** Reads environment variables; tests substitute a map. */
  Function<String, @Nullable String> environment = System::getenv;
  // Terminal authentication, the Hello deadline and TLS on the POS listener.

  @Option(names = "--hello-timeout-ms", defaultValue = "${env:POSRELAY_HELLO_TIMEOUT_MS:-5000}",
      description = "Milliseconds a new POS connection has to send its Hello (TLS handshake "
          + "included) before Error CODE_HELLO_REQUIRED and close; 100..600000 "
          + "(env POSRELAY_HELLO_TIMEOUT_MS; default ${DEFAULT-VALUE}).")
  long helloTimeoutMs = 5000;

  @Option(names = "--terminal-secret-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_TERMINAL_SECRET_FILE}",
      description = "File with the secret that terminal tokens (Hello.auth_token) are derived "
          + "from: the current secret on the first line, optionally the previous one on the "
          + "second (rotation); each >= 32 characters. Without it the secrets come from env "
          + "POSRELAY_TERMINAL_SECRETS (comma-separated); with neither, terminal authentication "
          + "is off (env POSRELAY_TERMINAL_SECRET_FILE).")
  @Nullable Path terminalSecretFile;

  @Option(names = "--auth-failures-max",
      defaultValue = "${env:POSRELAY_AUTH_FAILURES_MAX:-5}",
      description = "Failed authentications from one address within --auth-failures-window-ms "
          + "after which its Hellos are refused for --auth-cooldown-ms; 1..1000 "
          + "(env POSRELAY_AUTH_FAILURES_MAX; default ${DEFAULT-VALUE}).")
  int authFailuresMax = 5;

  @Option(names = "--auth-failures-window-ms",
      defaultValue = "${env:POSRELAY_AUTH_FAILURES_WINDOW_MS:-60000}",
      description = "Milliseconds over which failed authentications of an address count; > 0 "
          + "(env POSRELAY_AUTH_FAILURES_WINDOW_MS; default ${DEFAULT-VALUE}).")
  long authFailuresWindowMs = 60_000;

  @Option(names = "--auth-cooldown-ms", defaultValue = "${env:POSRELAY_AUTH_COOLDOWN_MS:-60000}",
      description = "Milliseconds an address that reached the failure limit has its Hellos "
          + "refused with CODE_UNAUTHENTICATED, unchecked; > 0 "
          + "(env POSRELAY_AUTH_COOLDOWN_MS; default ${DEFAULT-VALUE}).")
  long authCooldownMs = 60_000;

  @Option(names = "--tls-cert-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_TLS_CERT_FILE}",
      description = "PEM certificate chain of the POS listener; with --tls-key-file turns TLS "
          + "(1.2+) on; neither = plain TCP (env POSRELAY_TLS_CERT_FILE).")
  @Nullable Path tlsCertFile;

  @Option(names = "--tls-key-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_TLS_KEY_FILE}",
      description = "PEM PKCS#8 private key of --tls-cert-file (env POSRELAY_TLS_KEY_FILE).")
  @Nullable Path tlsKeyFile;

  private final CountDownLatch stopped = new CountDownLatch(1);

  /** Builds the configuration, starts the node, and blocks until the JVM shuts down. */
  @Override
  public Integer call() throws InterruptedException {
    RelayConfig config;
    try {
      config = toConfig();
    } catch (IllegalArgumentException e) {
      CommandLine cmd = spec == null ? new CommandLine(this) : spec.commandLine();
      cmd.getErr().println("relay-server: " + toFlag(e.getMessage()));
      return 2;
    }
    RelayServer server;
    try {
      server = RelayServer.start(config);
    } catch (RuntimeException e) {
      log.error("relay-server {} failed to start: {}", config.nodeId(), e.toString(), e);
      return 1;
    }
    Thread hook = new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "posrelay-relay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    log.info("relay-server {} ready: POS {}://{}:{}, metrics http://{}:{}/metrics, kafka {}, "
            + "admin {}", config.nodeId(), config.tlsCertFile() == null ? "tcp" : "tls",
        config.host(), server.port(), config.host(),
        server.metricsPort(), config.kafkaBootstrap(),
        config.adminAddress().isEmpty() ? "(recovery off)" : config.adminAddress());
    stopped.await();
    return 0;
  }

  /**
   * The configuration the options describe.
   *
   * @return the validated configuration
   * @throws IllegalArgumentException naming the bad key, as {@link RelayConfigBuilder#build()}
   */
  RelayConfig toConfig() {
    RelayConfigBuilder b = RelayConfig.builder();
    if (nodeId != null && !nodeId.isEmpty()) {
      b.nodeId(nodeId);
    }
    return b.kafkaBootstrap(kafka)
        .host(host)
        .port(port)
        .metricsPort(metricsPort)
        .ackTimeout(Duration.ofMillis(ackTimeoutMs))
        .heartbeatInterval(Duration.ofMillis(heartbeatIntervalMs))
        .maxFrameBytes(maxFrameBytes)
        .maxConnections(maxConnections)
        .dedupMaxEntries(dedupMaxEntries)
        .dedupTtl(Duration.ofMillis(dedupTtlMs))
        .shutdownDrain(Duration.ofMillis(shutdownDrainMs))
        .adminAddress(admin)
        .claimDeadline(Duration.ofMillis(claimDeadlineMs))
        .maxConcurrentRecoveries(maxConcurrentRecoveries)
        .writeBufferWaterMark(writeBufferLowBytes, writeBufferHighBytes)
        .writeStallTimeout(Duration.ofMillis(writeStallTimeoutMs))
        .adminToken(AdminToken.read(adminTokenFile, environment.apply(AdminToken.ENV)))
        .adminTlsCaFile(adminTlsCaFile.isBlank() ? null : Path.of(adminTlsCaFile))
        .helloTimeout(Duration.ofMillis(helloTimeoutMs))
        .terminalTokens(
            TerminalSecrets.load(terminalSecretFile, environment.apply(TerminalSecrets.ENV)))
        .authFailureLimit(authFailuresMax, Duration.ofMillis(authFailuresWindowMs),
            Duration.ofMillis(authCooldownMs))
        .tls(tlsCertFile, tlsKeyFile)
        .build();
  }

  /**
   * Rewrites a config key ("ack-timeout.ms: …") as the flag that sets it ("--ack-timeout-ms");
   * an environment variable's name ("POSRELAY_…: …") stays as it is.
   */
  static String toFlag(@Nullable String message) {
    if (message == null) {
      return "invalid option";
    }
    int colon = message.indexOf(':');
    if (colon <= 0 || message.startsWith("POSRELAY_")) {
      return message;
    }
    String key = message.substring(0, colon);
    if (key.matches("POSRELAY_[A-Z_]+")) {
      return message; // an environment variable names itself
    }
    return "--" + key.replace('.', '-') + message.substring(colon);
  }

  /**
   * Runs the command on its own.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new RelayServerCommand()).execute(args));
  }
}
