package io.posrelay.relayctl.bench;

import io.posrelay.relayctl.HostPort;
import io.posrelay.relayctl.LocalClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options that place a benchmark's cluster, shared by {@code bench} and {@code bench
 * connections}: where Kafka is, where logs go, the JVM options of the child processes, JFR
 * profiles, and the JSON report file. Every port is picked free at start, so a benchmark runs
 * beside {@code relayctl local}.
 */
final class BenchClusterOptions {
  /**
   * JVM options of the children: a production-like JIT and collector (relayctl local's children
   * run with C1 only and a small heap to start fast, which would distort the figures).
   */
  static final String DEFAULT_JAVA_OPTS = "-Xms256m -Xmx1g -XX:+UseG1GC";

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
      defaultValue = "${env:POSRELAY_CHILD_JAVA_OPTS:-" + DEFAULT_JAVA_OPTS + "}",
      description = "JVM options of the child processes other than the relay nodes (env"
          + " POSRELAY_CHILD_JAVA_OPTS; default: ${DEFAULT-VALUE}).")
  String javaOpts = DEFAULT_JAVA_OPTS;

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
   * The cluster of a benchmark: free ports, this many relay nodes with the given connection
   * limit and JVM options.
   *
   * @throws ParameterException (exit code 2) naming the bad option
   */
  LocalClusterConfig toConfig(CommandSpec spec, int nodes, boolean adminApi, int maxConnections,
      String relayJavaOpts) {
    if (kafka != null) {
      try {
        HostPort.parseList(kafka);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--kafka: " + e.getMessage());
      }
    }
    if (startTimeoutSeconds <= 0) {
      throw new ParameterException(spec.commandLine(),
          "--start-timeout-s: " + startTimeoutSeconds + " (expected: > 0)");
    }
    Path report = json;
    if (report != null) {
      String problem = unwritable(report);
      if (problem != null) {
        // Now, not after a run of minutes whose report would then be lost.
        throw new ParameterException(spec.commandLine(), "--json: " + report + ": " + problem);
      }
    }
    if (heartbeatIntervalMs < 100 || heartbeatIntervalMs > 600_000) {
      throw new ParameterException(spec.commandLine(),
          "--heartbeat-interval-ms: " + heartbeatIntervalMs + " (expected: 100..600000)");
    }
    List<String> children = split(javaOpts);
    List<String> relays = split(relayJavaOpts);
    try {
      return LocalClusterConfig.builder()
          .workDir(workDir)
          .externalKafka(kafka)
          .partitions(partitions)
          .kafkaPort(0)
          .controllerPort(0)
          .ingestPort(0)
          .relayPosPorts(zeros(nodes))
          .relayMetricsPorts(zeros(nodes))
          .grpcPort(0)
          .adminMetricsPort(0)
          .adminApi(adminApi)
          // Its own ledger: never the state or the Streams group of another admin-api.
          .adminOptions(List.of("--state-dir", adminStateDir(workDir).toString(),
              "--application-id", "posrelay-bench-admin"))
          .relayOptions(List.of(
              "--max-connections", Integer.toString(maxConnections),
              "--heartbeat-interval-ms", Long.toString(heartbeatIntervalMs)))
          .javaOptions(name -> withProfile(name, name.startsWith("relay-") ? relays : children))
          .startTimeout(Duration.ofSeconds(startTimeoutSeconds))
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  /**
   * Why the report {@code file} could not be written at the end of a run, checked before it: its
   * directory is created if missing.
   *
   * @return the reason, or null if it can be written
   */
  static @Nullable String unwritable(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException | SecurityException e) {
      return "cannot create its directory (" + e.getClass().getSimpleName() + ")";
    }
    if (Files.isDirectory(file)) {
      return "is a directory";
    }
    boolean writable = Files.exists(file)
        ? Files.isWritable(file) : parent == null || Files.isWritable(parent);
    return writable ? null : "not writable";
  }

  /** admin-api's state directory in a benchmark: emptied before each run. */
  static Path adminStateDir(Path workDir) {
    return workDir.resolve("admin-state").toAbsolutePath();
  }

  /** {@code embedded} or the external bootstrap servers, for the report. */
  String kafkaName() {
    return kafka == null ? "embedded" : kafka;
  }

  private List<String> withProfile(String child, List<String> options) {
    Path dir = profileDir;
    if (dir == null) {
      return options;
    }
    List<String> withJfr = new ArrayList<>(options);
    withJfr.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename="
        + dir.toAbsolutePath().resolve(child + ".jfr"));
    return withJfr;
  }

  private static List<String> split(String options) {
    return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
  }

  private static List<Integer> zeros(int count) {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ports.add(0);
    }
    return ports;
  }
}
