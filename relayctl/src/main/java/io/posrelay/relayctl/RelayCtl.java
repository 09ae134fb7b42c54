package io.posrelay.relayctl;

import io.posrelay.relayctl.admin.AdminCommand;
import io.posrelay.relayctl.secure.TerminalTokenCommand;
import io.posrelay.relayctl.topics.TopicsCommand;
import io.posrelay.testkit.cluster.ChildGuard;
import io.posrelay.testkit.cluster.ChildLauncher;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code bin/relayctl}. Exit codes: 0 success, 1 failure, 2 usage error (bad or
 * missing option; the message names the option).
 */
@Command(
    name = "relayctl",
    mixinStandardHelpOptions = true,
    version = "relayctl 0.1.0-SNAPSHOT",
    synopsisSubcommandLabel = "COMMAND",
    description = "The operator's command line of POS Relay.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 usage error.",
      "Environment: POSRELAY_JAVA_OPTS (JVM options of bin/relayctl),"
          + " POSRELAY_CHILD_JAVA_OPTS (JVM options of the processes 'local' starts)."
    },
    subcommands = {
      LocalCommand.class,
      DemoCommand.class,
      PosSimCommand.class,
      IlkSimCommand.class,
      KafkaCommand.class,
      TopicsCommand.class,
      AdminCommand.class,
      TerminalTokenCommand.class,
      BenchCommand.class
    })
public final class RelayCtl implements Callable<Integer> {
  /** Exit code of a failed command. */
  public static final int EXIT_FAILURE = 1;

  /** Exit code of a usage error. */
  public static final int EXIT_USAGE = 2;

  /**
   * How the local cluster of {@code local}, {@code demo} and {@code bench} starts its children:
   * this class's {@code kafka}, {@code ilk-ingest}, {@code relay-server} and {@code admin-api}.
   */
  public static final ChildLauncher LAUNCHER =
      new ChildLauncher(RelayCtl.class.getName(), "bin/relayctl");

  private static final Logger log = LoggerFactory.getLogger(RelayCtl.class);

  @Spec CommandSpec spec;

  /**
   * Runs relayctl and exits the JVM with the command's exit code.
   *
   * @param args command line arguments
   */
  public static void main(String[] args) {
    ChildGuard.installIfChild();
    System.exit(newCommandLine().execute(args));
  }

  /**
   * A fresh command line with every subcommand, for {@link #main} and for tests. An exception
   * thrown by a command is logged as one line (with its cause chain at DEBUG) and gives exit
   * code 1.
   */
  public static CommandLine newCommandLine() {
    CommandLine commandLine = new CommandLine(new RelayCtl());
    ServiceCommands.register(commandLine);
    commandLine.addSubcommand(new CommandLine.HelpCommand());
    commandLine.setExecutionExceptionHandler(
        (e, cl, parseResult) -> {
          log.error("{} failed: {}", cl.getCommandName(), describe(e));
          log.debug("{} failed", cl.getCommandName(), e);
          return EXIT_FAILURE;
        });
    return commandLine;
  }

  /** Without a subcommand: prints the usage to stderr; exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); ) {
      text.append(": ").append(cause.getMessage());
      cause = cause.getCause();
    }
    return text.toString();
  }
}
