package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.GetDeliveryRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relayctl admin get RESULT_ID} or {@code relayctl admin get --transaction TX}: one
 * delivery and its timeline, found by result id or by ILK's transaction id (as support tickets
 * name it).
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "One delivery and its timeline (GetDelivery): every step with time, status, failure"
          + " reason, relay node, terminal session and attempt, oldest first.",
      "Give RESULT_ID or --transaction TX (ILK's transaction id), not both.",
      "NOT_FOUND (exit code 1) if the ledger has no such result."
    })
final class AdminGetCommand implements Callable<Integer> {
  @Mixin AdminOptions options = new AdminOptions();

  @Parameters(index = "0", arity = "0..1", paramLabel = "RESULT_ID",
      description = "The result's id.")
  String resultId = "";

  @Option(names = "--transaction", paramLabel = "TX",
      description = "ILK's transaction id instead of RESULT_ID.")
  String transaction = "";

  @Override
  public Integer call() {
    GetDeliveryRequest request = request();
    return options.run((admin, out) -> {
      Delivery delivery = admin.unary().getDelivery(request);
      if (options.json) {
        JsonLines.print(delivery, out);
      } else {
        DeliveryBlock.print(delivery, out);
      }
      return 0;
    });
  }

  private GetDeliveryRequest request() {
    String tx = transaction.strip();
    if (tx.isEmpty()) {
      return GetDeliveryRequest.newBuilder().setResultId(ResultIds.check(resultId, options))
          .build();
    }
    if (!resultId.isBlank()) {
      throw options.usageError("RESULT_ID: '" + resultId + "' given with --transaction"
          + " (expected: one of them)");
    }
    return GetDeliveryRequest.newBuilder().setTransactionId(tx).build();
  }
}
