package io.posrelay.ingest;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * {@code POSRELAY_ILK_INGEST_<OPTION>} for the others, e.g. {@code POSRELAY_ILK_INGEST_PORT}). A bad
 * value exits with code 2 and a message naming the flag; a start failure (port in use) with 1.
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
    log.info("ilk-ingest ready: POST http://{}:{}/ilk/v1/results, GET http://{}:{}/metrics, "
        + "kafka {} topic {}", host, server.port(), host, server.port(), kafka, topic);
    stopped.await();
    return 0;
  }

  /**
   * The configuration the options describe.
   *
   * @throws ParameterException naming the flag, e.g. {@code "--port: 70000 (expected: 0..65535)"}
   */
  IlkIngestConfig toConfig() {
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
