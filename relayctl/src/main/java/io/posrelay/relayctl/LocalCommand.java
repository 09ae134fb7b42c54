package io.posrelay.relayctl;

import io.posrelay.relayctl.address.Addresses;
import io.posrelay.relayctl.secure.SecureOptions;
import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code relayctl local}: the whole cluster on this machine, until Ctrl-C. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "The whole POS Relay cluster on 127.0.0.1, until Ctrl-C.",
      "Starts child processes: Kafka (embedded, unless"
          + " --kafka), ilk-ingest, relay-1, relay-2 and admin-api. Once every service answers"
          + " 200 on /health/ready, prints one ready line with every endpoint, each service's"
          + " management URL (/metrics, /health/live, /health/ready) among them, then runs until"
          + " Ctrl-C/SIGTERM, which stops everything.",
      "A node that dies (or that you kill) is reported, not restarted; restart it by hand, e.g."
          + " bin/relayctl relay-server --host 127.0.0.1 --node-id relay-1 --port 7001"
          + " --management-port 9101 --admin-address 127.0.0.1:9090 (local logs the exact"
          + " command)",
      "With --secure every listener speaks TLS and every check is on (signed callbacks,"
          + " terminal tokens, operator token), and the embedded Kafka takes SASL_SSL only"
          + " (SCRAM-SHA-512); the CA, certificates, secrets and Kafka credentials are created in"
          + " --secure-dir, or reused if there (docs/security.md)."
    })
final class LocalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalClusterOptions cluster = new LocalClusterOptions();

  @Option(
      names = "--ilk-receipt-url",
      description = "ILK's receipt endpoint, passed to ilk-ingest: signed receipts for every"
          + " DELIVERED, REVERSAL_REQUIRED and conflict (docs/ilk-receipts.md), with the secret in"
          + " <work-dir>/ilk-receipt.secret (created on first use). Default: receipts off.")
  @Nullable String ilkReceiptUrl;

  @Override
  public Integer call() throws Exception {
    LocalClusterConfig config = cluster.toConfig(spec, ilkReceiptUrl);
    StopSignal stop = StopSignal.onShutdown();
    try (LocalCluster local = LocalCluster.start(config)) {
      spec.commandLine().getOut().println(local.endpoints().readyLine());
      spec.commandLine().getOut().flush();
      stop.await(Duration.ZERO);
    } finally {
      stop.done();
    }
    return 0;
  }

  /** The options of a local cluster, shared by {@code local} and {@code demo}. */
  static final class LocalClusterOptions {
    @Mixin SecureOptions secure = new SecureOptions();

    @Option(
        names = "--kafka",
        description = "Use this Kafka (HOST:PORT) instead of starting an embedded broker.")
    @Nullable String kafka;

    @Option(
        names = "--partitions",
        defaultValue = "6",
        description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(
        names = "--keep-data",
        description = "Keep the embedded broker's data of the previous run (default: start empty).")
    boolean keepData;

    @Option(
        names = "--work-dir",
        defaultValue = "${env:POSRELAY_HOME:-.}/.posrelay/local",
        description = "Kafka data and logs/ of the children (default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of(".posrelay", "local");

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Embedded Kafka port.")
    int kafkaPort;

    @Option(
        names = "--controller-port",
        defaultValue = "9093",
        description = "Embedded Kafka controller port.")
    int controllerPort;

    @Option(names = "--ingest-port", defaultValue = "8080", description = "ilk-ingest HTTP port.")
    int ingestPort;

    @Option(
        names = "--ingest-metrics-port",
        defaultValue = "9180",
        description = "ilk-ingest management (metrics) port.")
    int ingestMetricsPort;

    @Option(
        names = "--relay-ports",
        defaultValue = "7001,7002",
        split = ",",
        description = "POS ports, one relay node each (default: ${DEFAULT-VALUE}).")
    List<Integer> relayPorts = List.of(7001, 7002);

    @Option(
        names = "--relay-metrics-ports",
        defaultValue = "9101,9102",
        split = ",",
        description = "Metrics ports of the relay nodes (default: ${DEFAULT-VALUE}).")
    List<Integer> relayMetricsPorts = List.of(9101, 9102);

    @Option(names = "--grpc-port", defaultValue = "9090", description = "admin-api gRPC port.")
    int grpcPort;

    @Option(
        names = "--admin-metrics-port",
        defaultValue = "9190",
        description = "admin-api metrics port.")
    int adminMetricsPort;

    @Option(
        names = "--reversal-deadline-ms",
        paramLabel = "MS",
        description = "admin-api's reversal deadline: an approval not delivered this long after"
            + " ILK's callback becomes REVERSAL_REQUIRED and is never delivered (default:"
            + " admin-api's, 60000). A few seconds lets you watch it happen.")
    @Nullable Long reversalDeadlineMillis;

    @Option(
        names = "--start-timeout-s",
        defaultValue = "60",
        description = "Bound for each process to become ready (default: ${DEFAULT-VALUE}).")
    int startTimeoutSeconds;

    /**
     * Builds the cluster configuration.
     *
     * @throws ParameterException (exit code 2) naming the bad option
     */
    LocalClusterConfig toConfig(CommandSpec spec, @Nullable String ilkReceiptUrl) {
      if (reversalDeadlineMillis != null && reversalDeadlineMillis < 1) {
        throw new ParameterException(spec.commandLine(),
            "--reversal-deadline-ms: " + reversalDeadlineMillis + " (expected: >= 1)");
      }
      if (kafka != null) {
        try {
          Addresses.parseList(kafka);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), "--kafka: " + e.getMessage());
        }
      }
      if (startTimeoutSeconds <= 0) {
        throw new ParameterException(
            spec.commandLine(), "--start-timeout-s: " + startTimeoutSeconds + " (expected: > 0)");
      }
      try {
        return LocalClusterConfig.builder(RelayCtl.LAUNCHER)
            .workDir(workDir)
            .externalKafka(kafka)
            .partitions(partitions)
            .keepData(keepData)
            .kafkaPort(kafkaPort)
            .controllerPort(controllerPort)
            .ingestPort(ingestPort)
            .ingestMetricsPort(ingestMetricsPort)
            .relayPosPorts(relayPorts)
            .relayMetricsPorts(relayMetricsPorts)
            .grpcPort(grpcPort)
            .adminMetricsPort(adminMetricsPort)
            .startTimeout(Duration.ofSeconds(startTimeoutSeconds))
            .adminOptions(reversalDeadlineMillis == null ? List.of()
                : List.of("--reversal-deadline-ms", Long.toString(reversalDeadlineMillis)))
            .secureDir(secure.enabled() ? secure.dir() : null)
            .ilkReceiptUrl(ilkReceiptUrl)
            .build();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
      }
    }
  }
}
