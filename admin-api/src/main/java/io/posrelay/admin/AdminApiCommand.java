package io.posrelay.admin;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * A bad value exits with code 2 and a message naming the flag.
 */
@Command(
    name = "admin-api",
    mixinStandardHelpOptions = true,
    description =
        "Runs the delivery ledger (rebuilt from posrelay.results and posrelay.claims) and the"
            + " DeliveryAdmin gRPC API, with gRPC health, server reflection and /metrics.")
public final class AdminApiCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AdminApiCommand.class);
  private static final Map<String, String> FLAG_OF_KEY =
      Map.of(
          "kafka.bootstrap", "--kafka",
          "host", "--host",
          "port", "--port",
          "metrics-port", "--metrics-port",
          "claim-deadline.ms", "--claim-deadline-ms",
          "ack-timeout.ms", "--ack-timeout-ms",
          "max-records", "--max-records");

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
      names = "--max-records",
      defaultValue = "${env:POSRELAY_ADMIN_MAX_RECORDS:-1000000}",
      description =
          "Most records kept in the in-memory ledger (about 1 KiB of heap each); the oldest"
              + " DELIVERED go first (env POSRELAY_ADMIN_MAX_RECORDS; default: ${DEFAULT-VALUE}).")
  int maxRecords = 1_000_000;

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
        "admin-api ready: gRPC {}:{}, metrics http://{}:{}/metrics, kafka {}",
        config.host(),
        server.port(),
        config.host(),
        server.metricsPort(),
        config.kafkaBootstrap());
    stopped.await();
    return 0;
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
          .maxRecords(maxRecords)
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
