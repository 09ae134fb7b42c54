package io.posrelay.ingest;

import io.posrelay.ingest.signature.IlkSecrets;
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
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ilk-ingest}: runs the ILK webhook until SIGTERM/SIGINT, then shuts down gracefully.
 *
 * <p>Every option defaults from an environment variable ({@code POSRELAY_KAFKA} for {@code --kafka},
 * {@code POSRELAY_ILK_INGEST_<OPTION>} for the others, e.g. {@code POSRELAY_ILK_INGEST_PORT}),
 * except the signing secrets: {@code --ilk-secret-file}, else {@code POSRELAY_ILK_SECRETS} (see
 * {@link IlkSecrets}), never a command-line value. A bad value exits with code 2 and a message
 * naming the flag (never a secret); a start failure (port in use) with 1.
 */
@Command(name = "ilk-ingest", mixinStandardHelpOptions = true,
    description = "Receives ILK payment-result callbacks (POST /ilk/v1/results), validates them "
        + "and produces them to Kafka; answers 202 only after the broker acknowledged. "
        + "Prometheus metrics at GET /metrics on the same port.")
public final class IlkIngestCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(IlkIngestCommand.class);

  @Spec
  CommandSpec spec;

  @Option(names = "--kafka", paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "${env:POSRELAY_KAFKA:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env POSRELAY_KAFKA; default: ${DEFAULT-VALUE}).")
  String kafka;

  @Option(names = "--host", paramLabel = "ADDRESS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_HOST:-0.0.0.0}",
      description = "Address to bind (env POSRELAY_ILK_INGEST_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", paramLabel = "PORT",
      defaultValue = "${env:POSRELAY_ILK_INGEST_PORT:-8080}",
      description = "HTTP port for callbacks and /metrics, 0 = random "
          + "(env POSRELAY_ILK_INGEST_PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--topic", paramLabel = "TOPIC",
      defaultValue = "${env:POSRELAY_ILK_INGEST_TOPIC:-posrelay.results}",
      description = "Kafka topic for results (env POSRELAY_ILK_INGEST_TOPIC; "
          + "default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--publish-timeout-ms", paramLabel = "MS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_PUBLISH_TIMEOUT_MS:-5000}",
      description = "Answer 503 if Kafka has not acknowledged within this many ms, 100..300000 "
          + "(env POSRELAY_ILK_INGEST_PUBLISH_TIMEOUT_MS; default: ${DEFAULT-VALUE}).")
  long publishTimeoutMs;

  @Option(names = "--max-body-bytes", paramLabel = "BYTES",
      defaultValue = "${env:POSRELAY_ILK_INGEST_MAX_BODY_BYTES:-65536}",
      description = "Largest request body; larger gets 413 "
          + "(env POSRELAY_ILK_INGEST_MAX_BODY_BYTES; default: ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(names = "--max-in-flight", paramLabel = "N",
      defaultValue = "${env:POSRELAY_ILK_INGEST_MAX_IN_FLIGHT:-1024}",
      description = "Most results awaiting a Kafka ack; more get 503 "
          + "(env POSRELAY_ILK_INGEST_MAX_IN_FLIGHT; default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--max-connections", paramLabel = "N",
      defaultValue = "${env:POSRELAY_ILK_INGEST_MAX_CONNECTIONS:-10000}",
      description = "Most open HTTP connections (env POSRELAY_ILK_INGEST_MAX_CONNECTIONS; "
          + "default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--idle-timeout-ms", paramLabel = "MS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_IDLE_TIMEOUT_MS:-30000}",
      description = "Close a connection that sent nothing for this many ms; must exceed "
          + "--publish-timeout-ms (env POSRELAY_ILK_INGEST_IDLE_TIMEOUT_MS; "
          + "default: ${DEFAULT-VALUE}).")
  long idleTimeoutMs;

  @Option(names = "--shutdown-timeout-ms", paramLabel = "MS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_SHUTDOWN_TIMEOUT_MS:-10000}",
      description = "Bound on draining in-flight results at shutdown "
          + "(env POSRELAY_ILK_INGEST_SHUTDOWN_TIMEOUT_MS; default: ${DEFAULT-VALUE}).")
  long shutdownTimeoutMs;

  @Option(names = "--request-deadline-ms", paramLabel = "MS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_REQUEST_DEADLINE_MS:-10000}",
      description = "Answer 408 and close if a request has not arrived in full this many ms after "
          + "its first byte; also the TLS handshake timeout, 100..3600000 "
          + "(env POSRELAY_ILK_INGEST_REQUEST_DEADLINE_MS; default: ${DEFAULT-VALUE}).")
  long requestDeadlineMs;

  @Option(names = {IlkSecrets.FILE_FLAG}, paramLabel = "PATH",
      description = "File with the secret ILK signs callbacks with, and during a rotation the "
          + "previous one on a second line; each >= 32 characters. Without it, env "
          + IlkSecrets.ENV + " (comma-separated) is read; with neither, signatures are NOT "
          + "checked.")
  @Nullable Path ilkSecretFile;

  @Option(names = {"--signature-max-skew-ms", "--signature-max-skew.ms"}, paramLabel = "MS",
      defaultValue = "${env:POSRELAY_ILK_INGEST_SIGNATURE_MAX_SKEW_MS:-300000}",
      description = "Answer 401 if X-ILK-Timestamp is further than this many ms from this "
          + "server's clock, 1000..3600000 (env POSRELAY_ILK_INGEST_SIGNATURE_MAX_SKEW_MS; "
          + "default: ${DEFAULT-VALUE}).")
  long signatureMaxSkewMs;

  @Option(names = "--tls-cert-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ILK_INGEST_TLS_CERT_FILE}",
      description = "PEM certificate chain, the server's first: serve HTTPS "
          + "(with --tls-key-file; env POSRELAY_ILK_INGEST_TLS_CERT_FILE; default: plain HTTP).")
  @Nullable Path tlsCertFile;

  @Option(names = "--tls-key-file", paramLabel = "PATH",
      defaultValue = "${env:POSRELAY_ILK_INGEST_TLS_KEY_FILE}",
      description = "PEM PKCS#8 private key of --tls-cert-file "
          + "(env POSRELAY_ILK_INGEST_TLS_KEY_FILE).")
  @Nullable Path tlsKeyFile;

  /** Reads environment variables; tests replace it. */
  Function<String, @Nullable String> env = System::getenv;

  /** Runs {@code ilk-ingest} and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new IlkIngestCommand()).execute(args));
  }

  /**
   * Builds the configuration, starts the server and blocks until the JVM shuts down.
   *
   * @return 0 after a clean shutdown, 1 if the server could not start
   * @throws ParameterException (exit code 2) naming the flag of an invalid value
   */
  @Override
  public Integer call() throws InterruptedException {
    IlkIngestConfig config = toConfig();
    IlkIngestServer server;
    try {
      server = IlkIngestServer.start(config);
    } catch (RuntimeException e) {
      log.error("ilk-ingest failed to start: {}", e.toString());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "ilk-ingest-shutdown"));
    String scheme = config.tlsCertFile().isPresent() ? "https" : "http";
    log.info("ilk-ingest ready: POST {}://{}:{}/ilk/v1/results, GET {}://{}:{}/metrics, "
        + "kafka {} topic {}", scheme, host, server.port(), scheme, host, server.port(), kafka,
        topic);
    stopped.await();
    return 0;
  }

  /**
   * The configuration the options describe.
   *
   * @throws ParameterException naming the flag, e.g. {@code "--port: 70000 (expected: 0..65535)"}
   */
  IlkIngestConfig toConfig() {
    IlkSecrets secrets;
    try {
      secrets = IlkSecrets.load(ilkSecretFile, env.apply(IlkSecrets.ENV)).orElse(null);
    } catch (IllegalArgumentException e) {
      // Names the flag or the variable, never a secret.
      throw new ParameterException(spec.commandLine(), "Invalid value: " + e.getMessage());
    }
    try {
      return IlkIngestConfig.builder()
          .kafkaBootstrap(kafka)
          .host(host)
          .port(port)
          .resultsTopic(topic)
          .publishTimeout(Duration.ofMillis(publishTimeoutMs))
          .maxBodyBytes(maxBodyBytes)
          .maxInFlightPublishes(maxInFlight)
          .maxConnections(maxConnections)
          .idleTimeout(Duration.ofMillis(idleTimeoutMs))
          .shutdownTimeout(Duration.ofMillis(shutdownTimeoutMs))
          .requestDeadline(Duration.ofMillis(requestDeadlineMs))
          .signingSecrets(secrets)
          .signatureMaxSkew(Duration.ofMillis(signatureMaxSkewMs))
          .tls(tlsCertFile, tlsKeyFile)
          .build();
    } catch (IllegalArgumentException e) {
      // Config keys are the flag names with '.' for '-' (publish-timeout.ms → --publish-timeout-ms).
      String message = String.valueOf(e.getMessage());
      int colon = Math.max(0, message.indexOf(':'));
      String flag = "--" + message.substring(0, colon).replace('.', '-');
      ParameterException bad = new ParameterException(spec.commandLine(),
          "Invalid value: " + flag + message.substring(colon));
      bad.initCause(e);
      throw bad;
    }
  }
}
