package io.posrelay.relayctl;

import io.posrelay.testkit.cluster.LocalCluster;
import io.posrelay.testkit.cluster.LocalClusterConfig;
import io.posrelay.testkit.cluster.LocalReceiptSecret;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.ilk.ReceiptTally;
import io.posrelay.testkit.secure.SecureMaterial;
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

/** {@code relayctl demo}: a local cluster, both simulators, and a summary of every result. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "End-to-end demo on a local cluster, with a summary of every result.",
      "Starts a local cluster (as 'local' does), connects simulated terminals to both relay"
          + " nodes, posts simulated ILK results for --duration-s (a share of them for terminals"
          + " nobody holds), waits for the deliveries to settle, asks admin-api what became of"
          + " every result, prints a summary and stops the cluster.",
      "Exit code 0 if nothing was lost and every result for a connected terminal was delivered.",
      "With --secure the cluster runs as 'local --secure' does, and the simulated terminals, ILK"
          + " and the ledger queries use TLS, their tokens and signatures from --secure-dir."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin LocalCommand.LocalClusterOptions cluster = new LocalCommand.LocalClusterOptions();

  @Option(
      names = "--duration-s",
      defaultValue = "20",
      description = "Seconds of sending (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--rate",
      defaultValue = "20",
      description = "Results per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--terminals",
      defaultValue = "20",
      description = "Simulated terminals, spread over the relay nodes (default: ${DEFAULT-VALUE}).")
  int terminals;

  @Option(
      names = "--unconnected-ratio",
      defaultValue = "0.1",
      description = "Fraction of results for terminals nobody holds (default: ${DEFAULT-VALUE}).")
  double unconnectedRatio;

  @Option(
      names = "--claim-deadline-ms",
      defaultValue = "3000",
      description = "admin-api's claim deadline, for the settle wait (default: ${DEFAULT-VALUE}).")
  long claimDeadlineMillis;

  @Option(
      names = "--ack-timeout-ms",
      defaultValue = "5000",
      description = "The relay nodes' ack timeout, for the settle wait (default: ${DEFAULT-VALUE}).")
  long ackTimeoutMillis;

  @Option(
      names = "--chaos",
      description = "Kill relay-1 with SIGKILL a third of the way through the sending and start it"
          + " again 5 s later; the summary says what chaos did. The demo must still lose nothing.")
  boolean chaos;

  @Override
  public Integer call() throws Exception {
    if (durationSeconds < 1) {
      throw new ParameterException(
          spec.commandLine(), "--duration-s: " + durationSeconds + " (expected: >= 1)");
    }
    if (claimDeadlineMillis < 0 || ackTimeoutMillis < 0) {
      throw new ParameterException(spec.commandLine(),
          "--claim-deadline-ms / --ack-timeout-ms: " + claimDeadlineMillis + " / "
              + ackTimeoutMillis + " (expected: >= 0)");
    }
    IlkSimulatorConfig ilk;
    try {
      ilk = IlkSimulatorConfig.builder()
          .ratePerSecond(rate)
          .duration(Duration.ofSeconds(durationSeconds))
          .terminals(terminals)
          .unconnectedRatio(unconnectedRatio)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    StopSignal stop = StopSignal.onShutdown();
    IlkReceiptReceiver receipts =
        IlkReceiptReceiver.start(0, LocalReceiptSecret.load(cluster.workDir));
    LocalClusterConfig config = cluster.toConfig(spec, receipts.url());
    try (receipts; LocalCluster local = LocalCluster.start(config)) {
      out.println(local.endpoints().readyLine());
      out.flush();
      DemoRun run = new DemoRun(local.endpoints(), ilk, Duration.ofMillis(claimDeadlineMillis),
          Duration.ofMillis(ackTimeoutMillis)).withReceipts(receipts);
      if (cluster.reversalDeadlineMillis != null) {
        run.withReversalDeadline(Duration.ofMillis(cluster.reversalDeadlineMillis));
      }
      Path secureDir = config.secureDir();
      if (secureDir != null) {
        run.withSecure(SecureMaterial.existing(secureDir));
      }
      @Nullable DemoChaos faults = chaos ? DemoChaos.forDemo(local, ilk.duration()) : null;
      DemoSummary summary;
      try {
        summary = (faults == null ? run : run.withChaos(faults)).run(stop::stopRequested);
      } finally {
        if (faults != null) {
          faults.close();
        }
      }
      out.println(faults == null ? summary.table() : summary.table(faults.report()));
      ReceiptTally tally = run.receiptTally();
      out.println("  " + tally.line());
      out.flush();
      boolean receiptsOk = tally.missing() == 0 && tally.badSignatures() == 0;
      return summary.passed() && receiptsOk && !stop.stopRequested() ? 0 : RelayCtl.EXIT_FAILURE;
    } finally {
      stop.done();
    }
  }
}
