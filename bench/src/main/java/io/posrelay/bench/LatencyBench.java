package io.posrelay.bench;

import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalEndpoints;
import io.posrelay.testkit.cluster.LocalReceiptSecret;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
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
   * @param cluster where the cluster runs; {@link LatencyBenchConfig#nodes()} relay nodes, and
   *     admin-api if {@link LatencyBenchConfig#adminApi()}
   * @param progress where the progress lines go
   * @param stopRequested polled; true ends each phase early (the report covers what ran)
   * @return the report
   * @throws IllegalStateException if the open-files limit is too low for the terminals
   * @throws Exception if the cluster cannot start, Kafka cannot be reached, or the terminals do
   *     not connect in time
   */
  public static LatencyReport run(LatencyBenchConfig config, BenchCluster cluster,
      PrintWriter progress, BooleanSupplier stopRequested) throws Exception {
    OpenFileLimit.check(config.terminals());
    int perNode = (config.terminals() + config.holdingNodes() - 1) / config.holdingNodes();
    Instant startedAt = Instant.now();
    progress.printf(Locale.ROOT, "[bench] starting %d relay node(s), ilk-ingest%s and %s Kafka"
            + "; logs in %s%n", config.nodes(), config.adminApi() ? ", admin-api" : "",
        cluster.kafkaName(), cluster.workDir().resolve("logs"));
    progress.flush();
    deleteRecursively(cluster.adminStateDir());
    try (JfrSelfProfile profile = JfrSelfProfile.startIn(cluster.profileDir());
        @Nullable IlkReceiptReceiver receipts = config.receipts()
            ? IlkReceiptReceiver.start(0, LocalReceiptSecret.load(cluster.workDir())) : null;
        LocalCluster local = LocalCluster.start(cluster.toConfig(config.nodes(),
            config.adminApi(), perNode + OpenFileLimit.HEADROOM,
            receipts == null ? null : receipts.url()))) {
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
      RelayRun relayRun = new RelayRun(endpoints, config, progress, stopRequested,
          new CpuMeter(local.pids()),
          new TopicWrites(endpoints.kafkaBootstrap(), BaselineRun.TOPIC_PREFIX), receipts);
      PhaseResult relay = relayRun.run();
      int partitions = BaselineTopic.partitionsOf(endpoints.kafkaBootstrap(), Topics.RESULTS,
          Duration.ofSeconds(30));
      return new LatencyReport(config, partitions, cluster.kafkaName(), Machine.current(),
          startedAt, relay, baseline, relayRun.figures());
    }
  }
}
