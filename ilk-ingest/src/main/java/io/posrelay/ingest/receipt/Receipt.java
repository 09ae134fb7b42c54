package io.posrelay.ingest.receipt;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One receipt to ILK, as its JSON body carries it (docs/ilk-receipts.md). Fields the event does
 * not carry are null: the payment's fields come from {@code DeliveryEvent.payment_result}, which
 * the ledger sets on the transitions receipts are for; without it only the delivery's fields are
 * known.
 *
 * @param receiptId stable for one transition: the name-based UUID of {@code resultId + "/" +
 *     kind}, so a receipt sent twice has one id (ILK deduplicates by it, {@code Idempotency-Key})
 * @param kind what the receipt says
 * @param resultId POS Relay's result id
 * @param transactionId ILK's transaction id, null if unknown
 * @param terminalId the terminal (TID)
 * @param merchantId the merchant (MID), null if unknown
 * @param approvalNumber the issuer's authorisation code, null if unknown or none
 * @param amount minor units of {@code currency}, null if unknown
 * @param currency ISO 4217 code, null if unknown
 * @param status the delivery status after the transition: {@code DELIVERED} or {@code
 *     REVERSAL_REQUIRED}
 * @param reason the failure reason that led to it ({@code UNCLAIMED}, …), null if none
 * @param at when the transition happened
 */
public record Receipt(String receiptId, ReceiptKind kind, String resultId,
    @Nullable String transactionId, String terminalId, @Nullable String merchantId,
    @Nullable String approvalNumber, @Nullable Long amount, @Nullable String currency,
    String status, @Nullable String reason, Instant at) {

  private static final String STATUS_PREFIX = "DELIVERY_STATUS_";
  private static final String REASON_PREFIX = "FAILURE_REASON_";

  /**
   * The receipt an event calls for.
   *
   * @param event a ledger transition
   * @param seenAt when this process read it, used as {@code at} if the event has none
   * @return the receipt, or null if the transition needs none (anything but DELIVERED,
   *     REVERSAL_REQUIRED and conflicts)
   */
  public static @Nullable Receipt of(DeliveryEvent event, Instant seenAt) {
    ReceiptKind kind = kindOf(event);
    if (kind == null || event.getResultId().isEmpty()) {
      return null;
    }
    PaymentResult payment = event.hasPaymentResult() ? event.getPaymentResult() : null;
    Instant at = event.hasAt() ? instant(event.getAt()) : seenAt;
    return new Receipt(receiptId(event.getResultId(), kind), kind, event.getResultId(),
        payment == null ? null : blankToNull(payment.getTransactionId()),
        event.getTerminalId(),
        payment == null ? null : blankToNull(payment.getMerchantId()),
        payment == null ? null : blankToNull(payment.getApprovalNumber()),
        payment == null ? null : payment.getAmount(),
        payment == null ? null : blankToNull(payment.getCurrency()),
        strip(event.getTo().name(), STATUS_PREFIX),
        event.getReason() == FailureReason.FAILURE_REASON_UNSPECIFIED
            || event.getReason() == FailureReason.UNRECOGNIZED ? null
            : strip(event.getReason().name(), REASON_PREFIX),
        at);
  }

  /** The kind of receipt an event calls for, or null. */
  static @Nullable ReceiptKind kindOf(DeliveryEvent event) {
    if (event.getConflict()) {
      return ReceiptKind.CONFLICT;
    }
    if (event.getTo() == DeliveryStatus.DELIVERY_STATUS_DELIVERED) {
      return ReceiptKind.DELIVERED;
    }
    if (event.getTo() == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED) {
      return ReceiptKind.REVERSAL_REQUIRED;
    }
    return null;
  }

  /** The receipt id of one transition: the name-based UUID of {@code resultId + "/" + kind}. */
  public static String receiptId(String resultId, ReceiptKind kind) {
    return IlkResultIds.nameUuid(resultId + "/" + kind.name());
  }

  /** Whether the receipt is final (DELIVERED or REVERSAL_REQUIRED): one per accepted result. */
  public boolean isFinal() {
    return kind != ReceiptKind.CONFLICT;
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static String strip(String name, String prefix) {
    return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
  }

  private static @Nullable String blankToNull(String text) {
    return text.isEmpty() ? null : text;
  }
}
