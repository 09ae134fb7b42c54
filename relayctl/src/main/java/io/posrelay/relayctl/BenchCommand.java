package io.posrelay.relayctl;

import io.posrelay.bench.BenchCluster;
import io.posrelay.bench.LatencyBench;
import io.posrelay.bench.LatencyBenchConfig;
import io.posrelay.bench.LatencyReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code relayctl bench}: the end-to-end latency benchmark against raw Kafka ({@link
 * LatencyBench}, in the bench module); this class reads the options and prints the report.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = BenchConnectionsCommand.class,
    description = {
      "End-to-end benchmark of POS Relay against raw Kafka, in one run.",
      "Starts a local cluster (embedded Kafka unless --kafka, ilk-ingest, the relay nodes,"
          + " admin-api) on free ports, then measures at a fixed rate: first the baseline (a plain"
          + " Kafka producer -> consumer on the same broker, topic settings as posrelay.results),"
          + " then the full path (simulated ILK callback -> ilk-ingest -> Kafka -> every relay"
          + " node -> simulated terminal). Latency is from each message's intended send time"
          + " (corrected for coordinated omission). Prints a progress line every few seconds,"
          + " then the table: p50, p90, p99, p99.9, max, throughput, errors, lost, and the ratios"
          + " relay/baseline.",
      "The defaults are the target scenario: 2,000 results/s, 3 relay nodes, 10,000 terminals,"
          + " 60 s after a 60 s warm-up each (about 5 minutes in all). 'bench connections' measures"
          + " memory per connection instead. Method and figures: docs/benchmarks.md.",
      "Exit code 0 when the run completed with nothing lost, 1 otherwise, 2 for a bad option."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin BenchClusterOptions cluster = new BenchClusterOptions();

  @Option(names = "--nodes", defaultValue = "3",
      description = "Relay nodes (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--terminals", defaultValue = "10000",
      description = "Connected terminals, spread over the nodes (default: ${DEFAULT-VALUE}).")
  int terminals;

  @Option(names = "--rate", defaultValue = "2000",
      description = "Results per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--duration-s", defaultValue = "60",
      description = "Measured seconds per phase (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = "--warmup-s", defaultValue = "60",
      description = "Seconds of sending before each phase's measured window"
          + " (default: ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--connect-rate", defaultValue = "2000",
      description = "Terminal connections opened per second (default: ${DEFAULT-VALUE}).")
  int connectRate;

  @Option(names = "--admin-api", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run admin-api (the ledger) too, as in production; --no-admin-api leaves it"
          + " out and turns recovery on reconnect off (default: on).")
  boolean adminApi;

  @Option(names = "--baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the raw Kafka baseline first (default: on).")
  boolean baseline;

  @Option(names = "--drain-timeout-s", defaultValue = "30",
      description = "After sending, longest wait for the last results; what has not arrived then"
          + " is lost (default: ${DEFAULT-VALUE}).")
  int drainTimeoutSeconds;

  @Option(names = "--progress-s", defaultValue = "5",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Option(names = "--max-in-flight", defaultValue = "512",
      description = "Simulated ILK callbacks awaiting an answer at most; at R results/s and a"
          + " webhook answer time of T s it must exceed R x T, or the simulator, not the system,"
          + " sets the pace (default: ${DEFAULT-VALUE}; ilk-ingest answers 503 beyond its own"
          + " 1024).")
  int maxInFlight;

  @Option(names = "--source-addresses", defaultValue = "0",
      description = "Local addresses 127.0.0.2… the terminals connect from; 0 = one per 20,000"
          + " terminals beyond the first 20,000 (default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(names = "--ramp-s",
      description = "Seconds over which the rate rises evenly from 0 to --rate at the start of"
          + " the warm-up, so that the JIT compilers warm up without leaving a backlog; 0 = the"
          + " full rate at once (default: half the warm-up, 30 s by default).")
  @Nullable Integer rampSeconds;

  @Option(names = "--idle-nodes", defaultValue = "0",
      description = "Relay nodes (the last ones) that hold no terminal: their CPU per result is"
          + " what the broadcast costs a node for results it does not hold"
          + " (default: ${DEFAULT-VALUE}).")
  int idleNodes;

  @Option(names = "--receipts", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "ilk-ingest sends a signed receipt for every delivered result to a"
          + " simulated ILK, as in production (default: on).")
  boolean receipts;

  @Option(names = "--relay-java-opts", paramLabel = "OPTIONS",
      defaultValue = BenchCluster.DEFAULT_JAVA_OPTS,
      description = "JVM options of the relay nodes (default: ${DEFAULT-VALUE}).")
  String relayJavaOpts = BenchCluster.DEFAULT_JAVA_OPTS;

  @Override
  public Integer call() throws Exception {
    LatencyBenchConfig config;
    try {
      config = new LatencyBenchConfig(nodes, terminals, rate,
          Duration.ofSeconds(warmupSeconds), Duration.ofSeconds(durationSeconds), connectRate,
          adminApi, baseline, Duration.ofSeconds(drainTimeoutSeconds),
          Duration.ofSeconds(progressSeconds), maxInFlight, sourceAddresses,
          rampSeconds == null ? Duration.ofSeconds(warmupSeconds).dividedBy(2)
              : Duration.ofSeconds(rampSeconds), idleNodes, receipts);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    BenchCluster local = cluster.toCluster(spec, relayJavaOpts);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter progress = spec.commandLine().getErr();
    StopSignal stop = StopSignal.onShutdown();
    try {
      LatencyReport report = LatencyBench.run(config, local, progress, stop::stopRequested);
      if (stop.stopRequested()) {
        out.println("INTERRUPTED: stopped before its end (Ctrl-C). The figures cover only what"
            + " ran; 'messages due' below counts the whole schedule, so a DID NOT KEEP UP line"
            + " says the run was cut short, not that the system fell behind.");
      }
      out.print(report.table());
      out.flush();
      Path json = cluster.json;
      if (json != null) {
        report.writeJson(json);
        progress.println("[bench] JSON report written to " + json);
        progress.flush();
      }
      return report.relay().lost() == 0 && !stop.stopRequested() ? 0 : RelayCtl.EXIT_FAILURE;
    } finally {
      stop.done();
    }
  }
}
