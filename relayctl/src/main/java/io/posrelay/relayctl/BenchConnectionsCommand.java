package io.posrelay.relayctl;

import io.posrelay.bench.BenchCluster;
import io.posrelay.bench.ConnectionReport;
import io.posrelay.bench.ConnectionScaleBench;
import io.posrelay.bench.ConnectionScaleConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code relayctl bench connections}: memory per idle terminal connection on one relay node
 * ({@link ConnectionScaleBench}, in the bench module).
 */
@Command(
    name = "connections",
    mixinStandardHelpOptions = true,
    description = {
      "Connection-scale benchmark: idle, heartbeating terminals on one relay node.",
      "Starts embedded Kafka (unless --kafka), ilk-ingest and one relay node, reads the node's"
          + " heap after a full GC (jcmd GC.run, GC.heap_info) and its resident memory"
          + " (/proc/<pid>/status), connects the terminals at --connect-rate from local source"
          + " addresses 127.0.0.2… (one per 20,000 terminals), holds them for --hold-s, and reads"
          + " again. Prints the node's memory and the bytes per connection.",
      "Needs an open-files limit above the terminal count: bin/relayctl raises it when it can"
          + " (as root), else run 'ulimit -n 1048576' first. Method and figures:"
          + " docs/benchmarks.md."
    })
final class BenchConnectionsCommand implements Callable<Integer> {
  /** A 1 GiB heap: the target is 100,000 terminals within it. */
  static final String DEFAULT_RELAY_JAVA_OPTS = "-Xms1g -Xmx1g -XX:+UseG1GC";

  @Spec CommandSpec spec;

  @Mixin BenchClusterOptions cluster = new BenchClusterOptions();

  @Option(names = "--terminals", defaultValue = "100000",
      description = "Idle terminals to connect (default: ${DEFAULT-VALUE}).")
  int terminals;

  @Option(names = "--connect-rate", defaultValue = "2000",
      description = "Connections opened per second (default: ${DEFAULT-VALUE}).")
  int connectRate;

  @Option(names = "--hold-s", defaultValue = "30",
      description = "Seconds all terminals stay connected, heartbeating, before the reading"
          + " (default: ${DEFAULT-VALUE}).")
  int holdSeconds;

  @Option(names = "--source-addresses", defaultValue = "0",
      description = "Local addresses 127.0.0.2… to connect from; 0 = one per 20,000 terminals"
          + " beyond the first 20,000 (default: ${DEFAULT-VALUE}).")
  int sourceAddresses;

  @Option(names = "--progress-s", defaultValue = "5",
      description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
  int progressSeconds;

  @Option(names = "--relay-java-opts", paramLabel = "OPTIONS",
      defaultValue = DEFAULT_RELAY_JAVA_OPTS,
      description = "JVM options of the relay node (default: ${DEFAULT-VALUE}).")
  String relayJavaOpts = DEFAULT_RELAY_JAVA_OPTS;

  @Override
  public Integer call() throws Exception {
    ConnectionScaleConfig config;
    try {
      config = new ConnectionScaleConfig(terminals, connectRate, Duration.ofSeconds(holdSeconds),
          sourceAddresses, Duration.ofSeconds(progressSeconds),
          Duration.ofMillis(cluster.heartbeatIntervalMs), relayJavaOpts);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    BenchCluster local = cluster.toCluster(spec, relayJavaOpts);
    PrintWriter progress = spec.commandLine().getErr();
    StopSignal stop = StopSignal.onShutdown();
    try {
      ConnectionReport report = ConnectionScaleBench.run(config, local, progress,
          stop::stopRequested);
      PrintWriter out = spec.commandLine().getOut();
      out.print(report.table());
      out.flush();
      Path json = cluster.json;
      if (json != null) {
        report.writeJson(json);
        progress.println("[bench] JSON report written to " + json);
        progress.flush();
      }
      return 0;
    } finally {
      stop.done();
    }
  }
}
