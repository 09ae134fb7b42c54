package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import java.util.Set;

/**
 * The filters of a listing. All must match.
 *
 * @param statuses only these statuses; empty = all
 * @param terminalId only this terminal; empty = all
 * @param merchantId only this merchant; empty = all
 * @param receivedAfterMs only records received at or after this epoch millisecond; {@link
 *     Long#MIN_VALUE} = no lower bound
 * @param receivedBeforeMs only records received before this epoch millisecond; {@link
 *     Long#MAX_VALUE} = no upper bound
 * @param transactionId only the record of this ILK transaction id (a lookup of one record, not a
 *     scan); empty = all
 * @param orderId only records of this merchant order reference; empty = all
 */
public record LedgerQuery(
    Set<DeliveryStatus> statuses,
    String terminalId,
    String merchantId,
    long receivedAfterMs,
    long receivedBeforeMs,
    String transactionId,
    String orderId) {
  /** Filters without a transaction id or order id. */
  public LedgerQuery(Set<DeliveryStatus> statuses, String terminalId, String merchantId,
      long receivedAfterMs, long receivedBeforeMs) {
    this(statuses, terminalId, merchantId, receivedAfterMs, receivedBeforeMs, "", "");
  }

  /** Every record. */
  public static LedgerQuery all() {
    return new LedgerQuery(Set.of(), "", "", Long.MIN_VALUE, Long.MAX_VALUE);
  }
}
