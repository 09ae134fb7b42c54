package io.posrelay.admin.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import java.util.regex.Pattern;

/**
 * The lookups support asks for by the ids a ticket carries: ILK's transaction id and the
 * merchant's order reference. A result's id is derived from its transaction id ({@link
 * IlkResultIds}), so a lookup by transaction id needs no index of its own. Each check throws
 * INVALID_ARGUMENT whose description starts with the offending field. Stateless.
 */
final class TransactionLookups {
  private static final int MAX_TRANSACTION_ID_CHARS = 64;
  /** ILK's transaction id, as ilk-ingest accepts it (1–64 characters), less control characters. */
  private static final Pattern TRANSACTION_ID =
      Pattern.compile("[^\\p{Cntrl}]{1," + MAX_TRANSACTION_ID_CHARS + "}");
  private static final int MAX_ORDER_ID_CHARS = 64;
  /** A merchant order reference as ilk-ingest accepts it (at most 64), less control characters. */
  private static final Pattern ORDER_ID =
      Pattern.compile("[^\\p{Cntrl}]{0," + MAX_ORDER_ID_CHARS + "}");

  private TransactionLookups() {}

  /**
   * The result_id a GetDelivery asks for: its {@code result_id}, or the one derived from its
   * {@code transaction_id}. The caller checks that the record found has that transaction id.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT naming {@code result_id} if neither or both
   *     ids are given, or {@code transaction_id} if it is not a transaction id
   */
  static String resultIdOf(GetDeliveryRequest request) {
    String resultId = request.getResultId();
    String transactionId = request.getTransactionId();
    if (resultId.isEmpty() == transactionId.isEmpty()) {
      throw invalid("result_id: " + (resultId.isEmpty() ? "empty, and so is transaction_id"
          : "given with transaction_id") + " (expected: exactly one of result_id and"
          + " transaction_id)");
    }
    if (resultId.isEmpty()) {
      checkTransactionId(transactionId);
      return IlkResultIds.resultIdOf(transactionId);
    }
    return resultId;
  }

  /**
   * Checks a transaction id filter (empty = none).
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT naming {@code transaction_id}
   */
  static void checkTransactionId(String transactionId) {
    if (!transactionId.isEmpty() && !TRANSACTION_ID.matcher(transactionId).matches()) {
      throw invalid("transaction_id: '" + DeliveryAdminService.echo(transactionId)
          + "' (expected: ILK's transaction id, 1.." + MAX_TRANSACTION_ID_CHARS
          + " characters, no control characters)");
    }
  }

  /**
   * Checks an order id filter (empty = none).
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT naming {@code order_id}
   */
  static void checkOrderId(String orderId) {
    if (!ORDER_ID.matcher(orderId).matches()) {
      throw invalid("order_id: '" + DeliveryAdminService.echo(orderId) + "' (expected: at most "
          + MAX_ORDER_ID_CHARS + " characters, no control characters, or empty)");
    }
  }

  private static StatusRuntimeException invalid(String description) {
    return Status.INVALID_ARGUMENT.withDescription(description).asRuntimeException();
  }
}
