package io.posrelay.relayctl;

import io.posrelay.admin.AdminApiCommand;
import io.posrelay.ingest.IlkIngestCommand;
import io.posrelay.relay.RelayServerCommand;
import java.util.Map;
import picocli.CommandLine;

/**
 * Registers the three services as subcommands of relayctl: {@code ilk-ingest}, {@code
 * relay-server} and {@code admin-api}. Their command classes live in the service modules; each
 * runs its server until SIGTERM.
 */
final class ServiceCommands {
  private ServiceCommands() {}

  /** Adds the service subcommands to {@code relayCtl}. */
  static void register(CommandLine relayCtl) {
    Map<String, String> env = System.getenv();
    relayCtl.addSubcommand("ilk-ingest", IlkIngestCommand.command(env));
    relayCtl.addSubcommand("relay-server", RelayServerCommand.command(env));
    relayCtl.addSubcommand("admin-api", AdminApiCommand.command(env));
  }
}
