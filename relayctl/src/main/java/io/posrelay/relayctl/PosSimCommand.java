package io.posrelay.relayctl;

import com.google.common.net.HostAndPort;
import io.posrelay.relayctl.address.Addresses;
import io.posrelay.relayctl.secure.SecureOptions;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.testkit.pos.ReceivedResult;
import io.posrelay.testkit.pos.SimTerminals;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.PrintWriter;
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

/** {@code relayctl pos-sim}: simulated POS terminals that receive and ack payment results. */
@Command(
    name = "pos-sim",
    mixinStandardHelpOptions = true,
    description = {
      "Simulated POS terminals that receive and ack payment results.",
      "Each terminal holds one connection to a relay node (round-robin over --pos), says Hello, pings, acks every payment result and reconnects with backoff."
          + " Prints a summary at the end (Ctrl-C or --duration-s)."
    })
final class PosSimCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--pos",
      defaultValue = "127.0.0.1:7001,127.0.0.1:7002",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      description = "Relay nodes' POS addresses (default: ${DEFAULT-VALUE}).")
  String pos = "";

  @Option(
      names = "--terminals",
      defaultValue = "10",
      description = "Number of terminals (default: ${DEFAULT-VALUE}).")
  int terminals;

  @Option(
      names = "--terminal-prefix",
      defaultValue = "T",
      description = "Terminal ids are PREFIX0001, PREFIX0002, … (default: ${DEFAULT-VALUE}).")
  String terminalPrefix = "T";

  @Option(
      names = "--duration-s",
      defaultValue = "0",
      description = "Run this many seconds; 0 = until Ctrl-C (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = {"-v", "--verbose"}, description = "Print one line per received result.")
  boolean verbose;

  @Option(
      names = "--terminal-secret-file",
      paramLabel = "PATH",
      description = "The relay nodes' terminal secret file (current secret first): each terminal"
          + " sends the token of its id in Hello. Without it, env POSRELAY_TERMINAL_SECRETS"
          + " (comma-separated); with neither, Hellos carry no token.")
  @Nullable Path terminalSecretFile;

  @Option(
      names = "--tls-ca-file",
      paramLabel = "PATH",
      description = "Connect over TLS, trusting the CA certificate(s) in this PEM file; the"
          + " node's certificate must name the host of --pos. Without it: plain TCP.")
  @Nullable Path tlsCaFile;

  @Mixin SecureOptions secure = new SecureOptions();

  @Override
  public Integer call() throws Exception {
    List<HostAndPort> addresses = validate();
    PosSimSecurity security;
    try {
      SecureMaterial material = secure.existingIfEnabled();
      security = PosSimSecurity.fromOptions(
          terminalSecretFile != null || material == null
              ? terminalSecretFile : material.terminalSecretFile(),
          System.getenv(PosSimSecurity.SECRETS_ENV),
          tlsCaFile != null || material == null ? tlsCaFile : material.caCertFile());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    StopSignal stop = StopSignal.onShutdown();
    try (PosSimulator simulator =
        PosSimulator.start(
            addresses,
            SimTerminals.terminalIds(terminalPrefix, terminals),
            received -> {
              if (verbose) {
                synchronized (out) {
                  out.println(describe(received));
                  out.flush();
                }
              }
            },
            security)) {
      stop.await(Duration.ofSeconds(durationSeconds));
      synchronized (out) {
        out.println("pos-sim summary: " + simulator.summary());
        out.flush();
      }
    } finally {
      stop.done();
    }
    return 0;
  }

  private List<HostAndPort> validate() {
    if (terminals < 1) {
      throw new ParameterException(
          spec.commandLine(), "--terminals: " + terminals + " (expected: >= 1)");
    }
    if (durationSeconds < 0) {
      throw new ParameterException(
          spec.commandLine(), "--duration-s: " + durationSeconds + " (expected: >= 0)");
    }
    try {
      SimTerminals.checkPrefix("--terminal-prefix", terminalPrefix);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      return Addresses.parseList(pos);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--pos: " + e.getMessage());
    }
  }

  /** One line per received result; the card number is already masked by ILK. */
  static String describe(ReceivedResult received) {
    return received.receivedAt() + " " + received.terminalId() + " via " + received.nodeId()
        + " result " + received.result().getResultId() + " tx "
        + received.result().getTransactionId() + " " + received.result().getResultCode() + " "
        + received.result().getAmount() + " " + received.result().getCurrency()
        + (received.duplicate() ? " DUPLICATE" : "");
  }
}
