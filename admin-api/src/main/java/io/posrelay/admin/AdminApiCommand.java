package io.posrelay.admin;

import io.posrelay.admin.auth.OperatorTokens;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
 * {@code admin-api}: runs {@link AdminServer} until the JVM is asked to stop (SIGTERM, Ctrl-C),
 * then closes it gracefully. Every option defaults from a {@code POSRELAY_…} environment variable.
 * A bad value exits with code 2 and a message naming the flag. Operator tokens are never a
 * command-line value: {@code --operator-token-file} names a file, or {@code
 * POSRELAY_OPERATOR_TOKENS} holds them.
 */
@Command(
    name = "admin-api",
    mixinStandardHelpOptions = true,
    description =
        "Runs the delivery ledger (Kafka Streams over posrelay.results and posrelay.claims, in"
            + " RocksDB stores backed by changelog topics) and the"
            + " DeliveryAdmin gRPC API, with gRPC health, server reflection and /metrics.")
public final class AdminApiCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AdminApiCommand.class);
  private static final Map<String, String> FLAG_OF_KEY =
      Map.ofEntries(
          Map.entry("kafka.bootstrap", "--kafka"),
          Map.entry("host", "--host"),
          Map.entry("port", "--port"),
          Map.entry("metrics-port", "--metrics-port"),
          Map.entry("claim-deadline.ms", "--claim-deadline-ms"),
          Map.entry("ack-timeout.ms", "--ack-timeout-ms"),
          Map.entry("application-id", "--application-id"),
          Map.entry("state-dir", "--state-dir"),
          Map.entry("replication-factor", "--replication-factor"),
          Map.entry("retention.ms", "--retention-ms"),
          Map.entry("grace.ms", "--grace-ms"),
          Map.entry("advertised-host", "--advertised-host"),
          Map.entry("operator-token-file", "--operator-token-file"),
          Map.entry("tls-cert-file", "--tls-cert-file"),
          Map.entry("tls-key-file", "--tls-key-file"),
          Map.entry("peer-tls-ca-file", "--peer-tls-ca-file"));
  /** The environment variable of the operator tokens, comma-separated. */
  static final String OPERATOR_TOKENS_ENV = "POSRELAY_OPERATOR_TOKENS";

  @Spec CommandSpec spec;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT[,HOST:PORT…]",
      defaultValue = "${env:POSRELAY_KAFKA:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env POSRELAY_KAFKA; default: ${DEFAULT-VALUE}).")
  String kafka = "127.0.0.1:9092";

  @Option(
      names = "--host",
      defaultValue = "${env:POSRELAY_ADMIN_HOST:-0.0.0.0}",
      description = "Address to bind gRPC and /metrics (env POSRELAY_ADMIN_HOST; default: ${DEFAULT-VALUE}).")
  String host = "0.0.0.0";

  @Option(
      names = "--port",
      defaultValue = "${env:POSRELAY_ADMIN_PORT:-9090}",
      description = "gRPC port, 0 = a free one (env POSRELAY_ADMIN_PORT; default: ${DEFAULT-VALUE}).")
  int port = 9090;

  @Option(
      names = "--metrics-port",
      defaultValue = "${env:POSRELAY_ADMIN_METRICS_PORT:-9190}",
      description =
          "HTTP port of GET /metrics, 0 = a free one (env POSRELAY_ADMIN_METRICS_PORT; default:"
              + " ${DEFAULT-VALUE}).")
  int metricsPort = 9190;

  @Option(
      names = "--claim-deadline-ms",
      defaultValue = "${env:POSRELAY_CLAIM_DEADLINE_MS:-3000}",
      description =
          "Milliseconds a result may stay unclaimed before it is FAILED(UNCLAIMED), > 0 (env"
              + " POSRELAY_CLAIM_DEADLINE_MS; default: ${DEFAULT-VALUE}).")
  long claimDeadlineMs = 3000;

  @Option(
      names = "--ack-timeout-ms",
      defaultValue = "${env:POSRELAY_ACK_TIMEOUT_MS:-5000}",
      description =
          "The relay nodes' ack timeout in milliseconds, > 0; DELIVERING longer than this plus the"
              + " claim deadline is FAILED(ACK_TIMEOUT) (env POSRELAY_ACK_TIMEOUT_MS; default:"
              + " ${DEFAULT-VALUE}).")
  long ackTimeoutMs = 5000;

  @Option(
      names = "--application-id",
      defaultValue = "${env:POSRELAY_ADMIN_APPLICATION_ID:-posrelay-admin}",
      description =
          "Kafka Streams application.id; instances with the same id share the ledger (env"
              + " POSRELAY_ADMIN_APPLICATION_ID; default: ${DEFAULT-VALUE}).")
  String applicationId = "posrelay-admin";

  @Option(
      names = "--state-dir",
      defaultValue = "${env:POSRELAY_ADMIN_STATE_DIR:-.posrelay/admin-state}",
      description =
          "Directory of the ledger's RocksDB stores, one per instance on a machine; lost state is"
              + " restored from the changelog topics (env POSRELAY_ADMIN_STATE_DIR; default:"
              + " ${DEFAULT-VALUE}).")
  Path stateDir = Path.of(".posrelay", "admin-state");

  @Option(
      names = "--replication-factor",
      defaultValue = "${env:POSRELAY_ADMIN_REPLICATION_FACTOR:-1}",
      description =
          "Replication factor of the ledger's changelog topics, 1..32; 3 in production (env"
              + " POSRELAY_ADMIN_REPLICATION_FACTOR; default: ${DEFAULT-VALUE}).")
  int replicationFactor = 1;

  @Option(
      names = "--retention-ms",
      defaultValue = "${env:POSRELAY_ADMIN_RETENTION_MS:-86400000}",
      description =
          "Milliseconds a FAILED or DELIVERED record is kept before it becomes EXPIRED, > 0 (env"
              + " POSRELAY_ADMIN_RETENTION_MS; default: ${DEFAULT-VALUE}).")
  long retentionMs = 86_400_000L;

  @Option(
      names = "--grace-ms",
      defaultValue = "${env:POSRELAY_ADMIN_GRACE_MS:-3600000}",
      description =
          "Milliseconds an EXPIRED record is kept before it is purged, > 0 (env"
              + " POSRELAY_ADMIN_GRACE_MS; default: ${DEFAULT-VALUE}).")
  long graceMs = 3_600_000L;

  @Option(
      names = "--advertised-host",
      defaultValue = "${env:POSRELAY_ADMIN_ADVERTISED_HOST:-}",
      description =
          "Host the other admin-api instances reach this one's gRPC port at; empty = --host, or"
              + " this machine's host name if --host is a wildcard (env"
              + " POSRELAY_ADMIN_ADVERTISED_HOST).")
  String advertisedHost = "";

  // Security: tokens and TLS (AdminSecurity).

  @Option(
      names = "--operator-token-file",
      paramLabel = "PATH",
      description =
          "File of the operator tokens every gRPC call but health must carry as 'authorization:"
              + " Bearer <token>': one a line, the current one first and, during a rotation, the"
              + " previous one; each 32..1024 visible ASCII characters. Wins over env "
              + OPERATOR_TOKENS_ENV + " (the tokens, comma-separated). Neither = no check.")
  @Nullable Path operatorTokenFile;

  @Option(
      names = "--reflection-requires-token",
      arity = "0..1",
      defaultValue = "${env:POSRELAY_ADMIN_REFLECTION_REQUIRES_TOKEN:-false}",
      description =
          "Whether server reflection needs the operator token too; health never does (env"
              + " POSRELAY_ADMIN_REFLECTION_REQUIRES_TOKEN; default: ${DEFAULT-VALUE}: open, so"
              + " 'grpcurl list' and 'buf curl --list-services' work without a token).")
  boolean reflectionRequiresToken;

  @Option(
      names = "--tls-cert-file",
      paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ADMIN_TLS_CERT_FILE:-}",
      description =
          "PEM certificate chain of the gRPC listener; with --tls-key-file turns TLS on for gRPC"
              + " and the peer fan-out (env POSRELAY_ADMIN_TLS_CERT_FILE; default: plaintext).")
  String tlsCertFile = "";

  @Option(
      names = "--tls-key-file",
      paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ADMIN_TLS_KEY_FILE:-}",
      description = "PEM PKCS#8 private key of that certificate (env POSRELAY_ADMIN_TLS_KEY_FILE).")
  String tlsKeyFile = "";

  @Option(
      names = "--peer-tls-ca-file",
      paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ADMIN_PEER_TLS_CA_FILE:-}",
      description =
          "PEM CA certificates the peer fan-out trusts when TLS is on (env"
              + " POSRELAY_ADMIN_PEER_TLS_CA_FILE; default: the JVM's trust store).")
  String peerTlsCaFile = "";

  /** Reads environment variables; tests substitute a map. */
  Function<String, @Nullable String> environment = System::getenv;

  /** Runs {@code admin-api} as a stand-alone program; exits with the command's exit code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AdminApiCommand()).execute(args));
  }

  /**
   * Validates the options, starts the server and blocks until JVM shutdown.
   *
   * @return 0 after a graceful shutdown
   * @throws CommandLine.ParameterException (exit code 2) naming the flag whose value is invalid
   */
  @Override
  public Integer call() throws InterruptedException {
    AdminConfig config = config();
    AdminServer server = AdminServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "admin-api-shutdown"));
    log.info(
        "admin-api ready: gRPC{} {}:{}, metrics http://{}:{}/metrics, kafka {}",
        config.security().tlsEnabled() ? " (TLS)" : "",
        config.host(),
        server.port(),
        config.host(),
        server.metricsPort(),
        config.kafkaBootstrap());
    stopped.await();
    return 0;
  }

  private static @Nullable Path path(String value) {
    return value.isBlank() ? null : Path.of(value);
  }

  AdminConfig config() {
    try {
      return AdminConfig.builder()
          .kafkaBootstrap(kafka)
          .host(host)
          .port(port)
          .metricsPort(metricsPort)
          .claimDeadline(Duration.ofMillis(claimDeadlineMs))
          .ackTimeout(Duration.ofMillis(ackTimeoutMs))
          .applicationId(applicationId)
          .stateDir(stateDir)
          .replicationFactor(replicationFactor)
          .retention(Duration.ofMillis(retentionMs))
          .grace(Duration.ofMillis(graceMs))
          .advertisedHost(advertisedHost)
          .security(AdminSecurity.builder()
              .operatorTokens(OperatorTokens.load(operatorTokenFile, "operator-token-file",
                  environment.apply(OPERATOR_TOKENS_ENV), OPERATOR_TOKENS_ENV))
              .reflectionRequiresToken(reflectionRequiresToken)
              .tls(path(tlsCertFile), path(tlsKeyFile))
              .peerTlsCaFile(path(peerTlsCaFile))
              .build())
          .build();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      int colon = message.indexOf(':');
      String key = colon < 0 ? "" : message.substring(0, colon);
      String flag = FLAG_OF_KEY.get(key);
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "Invalid value: " + (flag == null ? message : flag + message.substring(colon)),
          e);
    }
  }
}
