package io.posrelay.relayctl;

import io.posrelay.bench.BenchCluster;
import io.posrelay.relayctl.address.Addresses;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that place a benchmark's cluster ({@link BenchCluster}), shared by {@code bench}
 * and {@code bench connections}: where Kafka is, where logs go, the JVM options of the child
 * processes, JFR profiles, and the JSON report file.
 */
final class BenchClusterOptions {
  @Option(names = "--kafka", paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Use this Kafka instead of starting an embedded broker (the bench creates the"
          + " POS Relay topics if absent; plain bench also a baseline topic, deleted again).")
  @Nullable String kafka;

  @Option(names = "--partitions", defaultValue = "6",
      description = "Partitions of the topics it creates (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--work-dir", defaultValue = "${env:POSRELAY_HOME:-.}/.posrelay/bench",
      description = "Embedded Kafka data and logs/ of the children (default: ${DEFAULT-VALUE}).")
  Path workDir = Path.of(".posrelay", "bench");

  @Option(names = "--json", paramLabel = "FILE",
      description = "Also write the report as JSON to FILE.")
  @Nullable Path json;

  @Option(names = "--java-opts", paramLabel = "OPTIONS",
      defaultValue = "${env:POSRELAY_CHILD_JAVA_OPTS:-" + BenchCluster.DEFAULT_JAVA_OPTS + "}",
      description = "JVM options of the child processes other than the relay nodes (env"
          + " POSRELAY_CHILD_JAVA_OPTS; default: ${DEFAULT-VALUE}).")
  String javaOpts = BenchCluster.DEFAULT_JAVA_OPTS;

  @Option(names = "--profile-dir", paramLabel = "DIR",
      description = "Record a JFR profile (settings=profile) of every process into DIR:"
          + " <child>.jfr and bench.jfr; read with 'jfr print' or JDK Mission Control.")
  @Nullable Path profileDir;

  @Option(names = "--heartbeat-interval-ms", defaultValue = "10000",
      description = "The relay nodes' heartbeat interval: terminals ping this often"
          + " (default: ${DEFAULT-VALUE}).")
  long heartbeatIntervalMs;

  @Option(names = "--start-timeout-s", defaultValue = "120",
      description = "Bound for each process to become ready (default: ${DEFAULT-VALUE}).")
  int startTimeoutSeconds;

  /**
   * The cluster of a benchmark, its relay nodes run with {@code relayJavaOpts}.
   *
   * @throws ParameterException (exit code 2) naming the bad option
   */
  BenchCluster toCluster(CommandSpec spec, String relayJavaOpts) {
    if (kafka != null) {
      try {
        Addresses.parseList(kafka);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--kafka: " + e.getMessage());
      }
    }
    Path report = json;
    if (report != null) {
      String problem = BenchCluster.unwritable(report);
      if (problem != null) {
        // Now, not after a run of minutes whose report would then be lost.
        throw new ParameterException(spec.commandLine(), "--json: " + report + ": " + problem);
      }
    }
    try {
      return new BenchCluster(RelayCtl.LAUNCHER, kafka, partitions, workDir,
          BenchCluster.splitOptions(javaOpts), BenchCluster.splitOptions(relayJavaOpts),
          profileDir, Duration.ofMillis(heartbeatIntervalMs),
          Duration.ofSeconds(startTimeoutSeconds));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }
}
