package io.posrelay.relayctl.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code relayctl admin}: the delivery ledger of admin-api, queried over gRPC. Without a
 * subcommand it prints its usage and exits with code 2.
 */
@Command(
    name = "admin",
    mixinStandardHelpOptions = true,
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "The delivery ledger of admin-api over gRPC (posrelay.admin.v1.DeliveryAdmin):"
          + " list, inspect and retry deliveries, counts, and a live stream of transitions.",
      "Every subcommand takes --admin-address HOST:PORT (default: env POSRELAY_ADMIN_ADDRESS or 127.0.0.1:9090),"
          + " --json (protobuf JSON, one object per line), --timeout-ms, --admin-token-file"
          + " (default: env POSRELAY_ADMIN_TOKEN) and --tls-ca-file (default: env"
          + " POSRELAY_ADMIN_TLS_CA_FILE)."
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 the call failed (one line 'error: <STATUS>: <description>' on stderr),"
          + " 2 usage error."
    },
    subcommands = {
      AdminListCommand.class,
      AdminGetCommand.class,
      AdminRetryCommand.class,
      AdminStatsCommand.class,
      AdminWatchCommand.class
    })
public final class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Creates the command; picocli fills in its fields. */
  public AdminCommand() {}

  /** Without a subcommand: prints the usage to stderr; exit code 2. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }
}
