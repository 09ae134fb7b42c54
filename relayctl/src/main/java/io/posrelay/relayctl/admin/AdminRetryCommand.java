package io.posrelay.relayctl.admin;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code relayctl admin retry RESULT_ID}: re-publishes a FAILED or EXPIRED result. */
@Command(
    name = "retry",
    mixinStandardHelpOptions = true,
    description = {
      "Re-publishes a FAILED or EXPIRED result with attempt + 1 (RetryDelivery), so every relay"
          + " node gets another chance to deliver it; the ledger shows it PENDING again.",
      "FAILED_PRECONDITION (exit code 1) for a PENDING, DELIVERING or DELIVERED one; NOT_FOUND"
          + " (exit code 1) for an unknown one. --json prints the delivery as it was before"
          + " the retry."
    })
final class AdminRetryCommand implements Callable<Integer> {
  @Mixin AdminOptions options = new AdminOptions();

  @Parameters(index = "0", paramLabel = "RESULT_ID", description = "The result's id.")
  String resultId = "";

  @Override
  public Integer call() {
    RetryDeliveryRequest request =
        RetryDeliveryRequest.newBuilder().setResultId(ResultIds.check(resultId, options)).build();
    return options.run((admin, out) -> {
      Delivery before = admin.unary().retryDelivery(request);
      if (options.json) {
        JsonLines.print(before, out);
        return 0;
      }
      String was = LedgerText.status(before.getStatus());
      if (before.getFailureReasonValue() != 0) {
        was += " (" + LedgerText.reason(before.getFailureReason()) + ")";
      }
      out.println("retried " + before.getResultId() + ": attempt " + (before.getAttempt() + 1)
          + " published; PENDING again once the ledger reads it (was " + was + ", attempt "
          + before.getAttempt() + ")");
      out.println("follow it with: relayctl admin get " + before.getResultId());
      return 0;
    });
  }
}
