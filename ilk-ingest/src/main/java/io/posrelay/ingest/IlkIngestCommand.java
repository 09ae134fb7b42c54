package io.posrelay.ingest;

import io.posrelay.runtime.ServiceLauncher;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code ilk-ingest}: runs the ILK webhook until SIGTERM or Ctrl-C, then shuts it down
 * gracefully. Its options, environment variables and config-file keys are those of {@link
 * IngestKeys#SPEC} (a flag per key but the secrets, {@code --config FILE}, {@code
 * --print-config}, {@code --help}, {@code --version}); exit codes are {@link ServiceLauncher}'s
 * (0 clean stop, 1 cannot start, 2 bad configuration, 3 failed while running).
 */
public final class IlkIngestCommand {
  private IlkIngestCommand() {}

  /**
   * The command line, e.g. as a subcommand of {@code relayctl}.
   *
   * @param env where {@code POSRELAY_*} variables are read from
   */
  public static CommandLine command(Map<String, String> env) {
    return ServiceLauncher.command(IngestKeys.SPEC, IlkIngestServer::start, env);
  }

  /**
   * Runs ilk-ingest as this process's program; exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    ServiceLauncher.main(IngestKeys.SPEC, IlkIngestServer::start, args);
  }
}
