package io.posrelay.relayctl;

import io.posrelay.relayctl.secure.SecureOptions;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.ilk.IlkSimStats;
import io.posrelay.testkit.ilk.IlkSimulator;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code relayctl ilk-sim}: simulated ILK approval callbacks posted to the webhook. */
@Command(
    name = "ilk-sim",
    mixinStandardHelpOptions = true,
    description = {
      "Simulated ILK: posts approval results to the ilk-ingest webhook.",
      "Posts at a steady rate, for"
          + " terminals PREFIX0001…PREFIX<terminals> (as pos-sim holds them) and, with"
          + " --unconnected-ratio, for terminals that nobody holds. Prints the counts at the end.",
      "Signs callbacks (X-ILK-Timestamp, X-ILK-Signature) when given a secret by "
          + IlkSimCommand.SECRET_FILE_FLAG + " or env " + IlkSimCommand.SECRETS_ENV + ".",
      "Exit code 0 if every callback was accepted (202), else 1."
    })
final class IlkSimCommand implements Callable<Integer> {
  /** The flag of the ILK secrets file, as ilk-ingest names it. */
  static final String SECRET_FILE_FLAG = "--ilk-secret-file";
  /** The environment variable of the ILK secrets, as ilk-ingest reads it. */
  static final String SECRETS_ENV = "POSRELAY_ILK_SECRETS";

  @Spec CommandSpec spec;

  @Option(
      names = "--url",
      defaultValue = "http://127.0.0.1:8080/ilk/v1/results",
      description = "Webhook URL (default: ${DEFAULT-VALUE}).")
  String url = "";

  @Option(
      names = "--rate",
      defaultValue = "10",
      description = "Callbacks per second, > 0 (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--count",
      defaultValue = "0",
      description = "Callbacks in total; 0 = no limit (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(
      names = "--duration-s",
      defaultValue = "0",
      description = "Send for this many seconds; 0 = no limit (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--terminals",
      defaultValue = "10",
      description = "Terminals addressed (default: ${DEFAULT-VALUE}).")
  int terminals;

  @Option(
      names = "--terminal-prefix",
      defaultValue = "T",
      description = "Prefix of terminal ids; must match pos-sim (default: ${DEFAULT-VALUE}).")
  String terminalPrefix = "T";

  @Option(
      names = "--unconnected-ratio",
      defaultValue = "0",
      description = "Fraction 0..1 of results for terminals nobody holds (default: ${DEFAULT-VALUE}).")
  double unconnectedRatio;

  @Option(
      names = "--unconnected-prefix",
      defaultValue = "X",
      description = "Prefix of the unconnected terminals' ids (default: ${DEFAULT-VALUE}).")
  String unconnectedPrefix = "X";

  @Option(
      names = SECRET_FILE_FLAG,
      paramLabel = "PATH",
      description = "Sign callbacks with the first secret in this file (as ilk-ingest's "
          + SECRET_FILE_FLAG + "); without it, env " + SECRETS_ENV + " (comma-separated) "
          + "is read; with neither, callbacks are unsigned.")
  @Nullable Path ilkSecretFile;

  @Option(
      names = "--tls-ca-file",
      paramLabel = "PATH",
      description = "PEM CA certificates to trust for an https --url "
          + "(default: the JDK's trust store).")
  @Nullable Path tlsCaFile;

  @Mixin SecureOptions secure = new SecureOptions();

  /** Reads environment variables; tests replace it. */
  Function<String, @Nullable String> env = System::getenv;

  @Override
  public Integer call() throws Exception {
    IlkSimulatorConfig config = toConfig();
    PrintWriter out = spec.commandLine().getOut();
    IlkSimulator simulator = new IlkSimulator(config, accepted -> { });
    StopSignal stop = StopSignal.onShutdown();
    Thread watcher =
        new Thread(
            () -> {
              try {
                stop.await(Duration.ZERO);
                simulator.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ilk-sim-stop");
    watcher.setDaemon(true);
    watcher.start();
    IlkSimStats stats;
    try {
      stats = simulator.run();
      out.println("ilk-sim summary: " + stats.summary());
      out.flush();
    } finally {
      stop.done();
    }
    return stats.accepted() == stats.sent() ? 0 : RelayCtl.EXIT_FAILURE;
  }

  /**
   * Builds the simulator configuration.
   *
   * @throws ParameterException (exit code 2) naming the bad option
   */
  IlkSimulatorConfig toConfig() {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--url: " + url + " (expected: a URL)");
    }
    RotatingSecrets secrets;
    Path caFile = tlsCaFile;
    try {
      SecureMaterial material = secure.existingIfEnabled();
      Path secretFile = ilkSecretFile;
      if (material != null) {
        // Secure mode, as 'local --secure' runs it: the secret and the CA from --secure-dir, and
        // TLS on the webhook (an http URL becomes https).
        secretFile = secretFile != null ? secretFile : material.ilkSecretFile();
        caFile = caFile != null ? caFile : material.caCertFile();
        if ("http".equals(uri.getScheme())) {
          uri = URI.create("https" + url.substring("http".length()));
        }
      }
      secrets = RotatingSecrets.load(secretFile, SECRET_FILE_FLAG, env.apply(SECRETS_ENV),
          SECRETS_ENV, RotatingSecrets.Rule.HMAC_SECRET).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage()); // never has a secret
    }
    try {
      return IlkSimulatorConfig.builder()
          .url(uri)
          .ratePerSecond(rate)
          .count(count)
          .duration(Duration.ofSeconds(durationSeconds))
          .terminals(terminals)
          .terminalPrefix(terminalPrefix)
          .unconnectedRatio(unconnectedRatio)
          .unconnectedPrefix(unconnectedPrefix)
          .signingSecrets(secrets)
          .tlsCaFile(caFile)
          .build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }
}
