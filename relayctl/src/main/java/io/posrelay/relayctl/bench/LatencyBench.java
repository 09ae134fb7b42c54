package io.posrelay.relayctl.bench;

import io.posrelay.relayctl.LocalCluster;
import io.posrelay.relayctl.LocalClusterConfig;
import io.posrelay.relayctl.LocalEndpoints;
import io.posrelay.v1.kafka.Topics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The end-to-end benchmark: starts a local cluster, runs the raw Kafka baseline ({@link
 * BaselineRun}) and then the relay's full path ({@link RelayRun}) at the same fixed rate on the
 * same broker, and reports both. The baseline runs first, while the relay nodes are idle, so it
 * is the floor of this machine; the relay phase then carries the whole system's cost (HTTP,
 * protobuf, the broadcast to every node, the socket write, the claims, the ledger).
 */
public final class LatencyBench {
  private LatencyBench() {}

  /** Deletes a directory tree; absent is fine. */
  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * Runs the benchmark; the cluster is stopped before this returns.
   *
   * @param config what to measure
   * @param cluster the cluster to start: one relay node per entry of its relay ports
   * @param kafkaName {@code embedded} or the external bootstrap servers, for the report
   * @param progress where the progress lines go
   * @param stopRequested polled; true ends each phase early (the report covers what ran)
   * @return the report
   * @throws IllegalStateException if the open-files limit is too low for the terminals
   * @throws Exception if the cluster cannot start, Kafka cannot be reached, or the terminals do
   *     not connect in time
   */
  public static LatencyReport run(LatencyBenchConfig config, LocalClusterConfig cluster,
      String kafkaName, PrintWriter progress, BooleanSupplier stopRequested) throws Exception {
    OpenFileLimit.check(config.terminals());
    Instant startedAt = Instant.now();
    progress.printf(Locale.ROOT, "[bench] starting %d relay node(s), ilk-ingest%s and %s Kafka"
            + "; logs in %s%n", config.nodes(), config.adminApi() ? ", admin-api" : "",
        kafkaName, cluster.workDir().resolve("logs"));
    progress.flush();
    deleteRecursively(BenchClusterOptions.adminStateDir(cluster.workDir()));
    try (LocalCluster local = LocalCluster.start(cluster)) {
      LocalEndpoints endpoints = local.endpoints();
      @Nullable PhaseResult baseline = null;
      if (config.baseline()) {
        progress.printf(Locale.ROOT, "[baseline] Kafka producer -> consumer at %.0f/s for %d s"
                + " + %d s warm-up%n", config.ratePerSecond(), config.duration().toSeconds(),
            config.warmup().toSeconds());
        progress.flush();
        baseline = new BaselineRun(endpoints.kafkaBootstrap(), config, progress, stopRequested,
            new CpuMeter(local.pids())).run();
      }
      PhaseResult relay = new RelayRun(endpoints, config, progress, stopRequested,
          new CpuMeter(local.pids())).run();
      int partitions = BaselineTopic.partitionsOf(endpoints.kafkaBootstrap(), Topics.RESULTS,
          Duration.ofSeconds(30));
      return new LatencyReport(config, partitions, kafkaName, Machine.current(), startedAt,
          relay, baseline);
    }
  }
}
