package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code relayctl admin stats}: counts of the ledger's records. */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    description = "Counts of the ledger's records (GetStats): by status and by failure reason,"
        + " the age of the oldest PENDING result, and duplicate claims.")
final class AdminStatsCommand implements Callable<Integer> {
  @Mixin AdminOptions options = new AdminOptions();

  @Override
  public Integer call() {
    return options.run((admin, out) -> {
      GetStatsResponse stats = admin.unary().getStats(GetStatsRequest.getDefaultInstance());
      if (options.json) {
        JsonLines.print(stats, out);
      } else {
        StatsBlock.print(stats, out);
      }
      return 0;
    });
  }
}
