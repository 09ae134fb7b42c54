package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.GetDeliveryRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code relayctl admin get RESULT_ID}: one delivery and its timeline. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "One delivery and its timeline (GetDelivery): every step with time, status, failure"
          + " reason, relay node, terminal session and attempt, oldest first.",
      "NOT_FOUND (exit code 1) if the ledger has no such result."
    })
final class AdminGetCommand implements Callable<Integer> {
  @Mixin AdminOptions options = new AdminOptions();

  @Parameters(index = "0", paramLabel = "RESULT_ID", description = "The result's id.")
  String resultId = "";

  @Override
  public Integer call() {
    GetDeliveryRequest request =
        GetDeliveryRequest.newBuilder().setResultId(ResultIds.check(resultId, options)).build();
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
}
