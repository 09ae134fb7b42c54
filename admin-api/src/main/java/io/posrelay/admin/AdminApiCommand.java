package io.posrelay.admin;

import io.posrelay.runtime.ServiceLauncher;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code admin-api}: runs {@link AdminServer} until SIGTERM or Ctrl-C, then closes it gracefully.
 * Its options, environment variables and config-file keys are those of {@link AdminKeys#SPEC};
 * exit codes are {@link ServiceLauncher}'s (0 clean stop, 1 cannot start, 2 bad configuration,
 * 3 failed while running).
 * Operator tokens are never a command-line value: {@code --operator-token-file} names a file, or
 * {@code POSRELAY_OPERATOR_TOKENS} holds them.
 */
public final class AdminApiCommand {
  private AdminApiCommand() {}

  /**
   * The command line, e.g. as a subcommand of {@code relayctl}.
   *
   * @param env where {@code POSRELAY_*} variables are read from
   */
  public static CommandLine command(Map<String, String> env) {
    return ServiceLauncher.command(AdminKeys.SPEC, AdminServer::start, env);
  }

  /**
   * Runs admin-api as this process's program; exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    ServiceLauncher.main(AdminKeys.SPEC, AdminServer::start, args);
  }
}
