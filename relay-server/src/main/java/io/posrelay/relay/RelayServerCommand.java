package io.posrelay.relay;

import io.posrelay.runtime.ServiceLauncher;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code relay-server}: runs one relay node until SIGTERM or Ctrl-C, then shuts it down
 * gracefully. Its options, environment variables and config-file keys are those of {@link
 * RelayKeys#SPEC}; exit codes are {@link ServiceLauncher}'s (0 clean stop, 1 cannot start, 2 bad
 * configuration, 3 failed while running: a Kafka reader died more often than it may be
 * restarted).
 */
public final class RelayServerCommand {
  private RelayServerCommand() {}

  /**
   * The command line, e.g. as a subcommand of {@code relayctl}.
   *
   * @param env where {@code POSRELAY_*} variables are read from
   */
  public static CommandLine command(Map<String, String> env) {
    return ServiceLauncher.command(RelayKeys.SPEC, RelayServer::start, env);
  }

  /**
   * Runs a relay node as this process's program; exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    ServiceLauncher.main(RelayKeys.SPEC, RelayServer::start, args);
  }
}
