package io.posrelay.bench;

import io.posrelay.testkit.cluster.ChildLauncher;
import io.posrelay.testkit.cluster.LocalClusterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where a benchmark's cluster runs, shared by the latency and the connection-scale benchmark:
 * which Kafka, where data and logs go, the JVM options of the child processes, JFR profiles, and
 * the relay nodes' heartbeat. Every port is picked free at start, so a benchmark runs beside
 * {@code relayctl local}; admin-api keeps its ledger in a state directory of its own, emptied
 * before each run. Validated at construction, naming the {@code relayctl bench} option in the
 * message ({@code "heartbeat-interval-ms: 5 (expected: 100..600000)"}). Immutable.
 *
 * @param launcher the main class of the child processes (relayctl's)
 * @param kafka bootstrap servers of an existing Kafka; null = start an embedded broker
 * @param partitions partitions of the topics it creates, >= 1
 * @param workDir embedded Kafka's data, the children's {@code logs/} and admin-api's state
 * @param javaOptions JVM options of every child but the relay nodes; empty = the test kit's
 *     default
 * @param relayJavaOptions JVM options of the relay nodes
 * @param profileDir a JFR profile (settings=profile) of every process goes there ({@code
 *     <child>.jfr}, {@code bench.jfr}); null = none
 * @param heartbeatInterval the relay nodes' heartbeat interval (terminals ping this often),
 *     100 ms..10 min
 * @param startTimeout bound for each process to become ready, > 0
 */
public record BenchCluster(
    ChildLauncher launcher,
    @Nullable String kafka,
    int partitions,
    Path workDir,
    List<String> javaOptions,
    List<String> relayJavaOptions,
    @Nullable Path profileDir,
    Duration heartbeatInterval,
    Duration startTimeout) {

  /**
   * JVM options of the children: a production-like JIT and collector (relayctl local's children
   * run with C1 only and a small heap to start fast, which would distort the figures).
   */
  public static final String DEFAULT_JAVA_OPTS = "-Xms256m -Xmx1g -XX:+UseG1GC";

  /**
   * @throws IllegalArgumentException naming the option whose value is out of range
   */
  public BenchCluster {
    javaOptions = List.copyOf(javaOptions);
    relayJavaOptions = List.copyOf(relayJavaOptions);
    LatencyBenchConfig.check(kafka == null || !kafka.isBlank(), "kafka", "''", "HOST:PORT");
    LatencyBenchConfig.check(partitions >= 1, "partitions", partitions, ">= 1");
    long heartbeatMillis = heartbeatInterval.toMillis();
    LatencyBenchConfig.check(heartbeatMillis >= 100 && heartbeatMillis <= 600_000,
        "heartbeat-interval-ms", heartbeatMillis, "100..600000");
    LatencyBenchConfig.check(startTimeout.toSeconds() > 0, "start-timeout-s",
        startTimeout.toSeconds(), "> 0");
  }

  /** JVM options as one string, split at whitespace: {@code "-Xmx1g -XX:+UseG1GC"}. */
  public static List<String> splitOptions(String options) {
    return options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
  }

  /** {@code embedded} or the external bootstrap servers, for the report. */
  public String kafkaName() {
    return kafka == null ? "embedded" : kafka;
  }

  /** admin-api's state directory: its own, emptied before each run. */
  Path adminStateDir() {
    return workDir.resolve("admin-state").toAbsolutePath();
  }

  /**
   * The local cluster of one run: free ports, {@code nodes} relay nodes, each allowed {@code
   * maxConnections} terminals, ilk-ingest posting receipts to {@code receiptUrl} (null: off).
   */
  LocalClusterConfig toConfig(int nodes, boolean adminApi, int maxConnections,
      @Nullable String receiptUrl) {
    List<Integer> freePorts = Collections.nCopies(nodes, 0);
    return LocalClusterConfig.builder(launcher)
        .workDir(workDir)
        .externalKafka(kafka)
        .partitions(partitions)
        .kafkaPort(0)
        .controllerPort(0)
        .ingestPort(0)
        .relayPosPorts(freePorts)
        .relayMetricsPorts(freePorts)
        .grpcPort(0)
        .adminMetricsPort(0)
        .adminApi(adminApi)
        // Its own ledger: never the Streams group of another admin-api; its state is under the
        // work dir (adminStateDir(), where LocalCluster puts it).
        .adminOptions(List.of("--application-id", "posrelay-bench-admin"))
        .relayOptions(List.of(
            "--max-connections", Integer.toString(maxConnections),
            "--heartbeat-interval-ms", Long.toString(heartbeatInterval.toMillis())))
        .javaOptions(name -> withProfile(name,
            name.startsWith("relay-") ? relayJavaOptions : javaOptions))
        .startTimeout(startTimeout)
        .ilkReceiptUrl(receiptUrl)
        .build();
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

  /**
   * Why a report {@code file} could not be written at the end of a run, checked before it (a run
   * of minutes whose report is then lost is worth a check): its directory is created if missing.
   *
   * @return the reason, e.g. {@code "is a directory"}, or null if it can be written
   */
  public static @Nullable String unwritable(Path file) {
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
}
