package io.posrelay.relayctl.admin;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Currency;
import java.util.Locale;

/** How the ledger's values read in relayctl's text output. Stateless. */
final class LedgerText {
  /** Shown for an unset value (timestamp, reason, node). */
  static final String NONE = "-";

  private static final String REASON_PREFIX = "FAILURE_REASON_";

  private LedgerText() {}

  /** {@code FAILED} for {@code DELIVERY_STATUS_FAILED}; {@code -} for UNSPECIFIED. */
  static String status(DeliveryStatus status) {
    if (status == DeliveryStatus.UNRECOGNIZED) {
      return "UNKNOWN";
    }
    if (status == DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED) {
      return NONE;
    }
    return status.name().substring(DeliveryStatusConverter.PREFIX.length());
  }

  /** {@code ACK_TIMEOUT} for {@code FAILURE_REASON_ACK_TIMEOUT}; {@code -} for UNSPECIFIED. */
  static String reason(FailureReason reason) {
    if (reason == FailureReason.UNRECOGNIZED) {
      return "UNKNOWN";
    }
    if (reason == FailureReason.FAILURE_REASON_UNSPECIFIED) {
      return NONE;
    }
    return reason.name().substring(REASON_PREFIX.length());
  }

  /** The text itself, or {@code -} if it is empty. */
  static String orNone(String text) {
    return text.isEmpty() ? NONE : text;
  }

  /**
   * An ISO-8601 UTC instant to the millisecond, e.g. {@code 2026-11-29T03:34:56.120Z}; {@code -}
   * for an unset (all-zero) timestamp.
   */
  static String time(Timestamp timestamp) {
    if (timestamp.getSeconds() == 0 && timestamp.getNanos() == 0) {
      return NONE;
    }
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos())
        .truncatedTo(ChronoUnit.MILLIS)
        .toString();
  }

  /** A protobuf timestamp of an instant. */
  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  /**
   * The amount in major units with its currency, e.g. {@code 15000 KRW}, {@code 10.50 USD}
   * (amount is in minor units); {@code -} if the result has no currency.
   */
  static String amount(PaymentResult result) {
    if (result.getCurrency().isEmpty()) {
      return result.getAmount() == 0 ? NONE : Long.toString(result.getAmount());
    }
    int digits;
    try {
      digits = Math.max(0, Currency.getInstance(result.getCurrency()).getDefaultFractionDigits());
    } catch (IllegalArgumentException unknownCurrency) {
      digits = 0;
    }
    return BigDecimal.valueOf(result.getAmount(), digits).toPlainString()
        + " " + result.getCurrency();
  }

  /** A short age: {@code 850ms}, {@code 12.3s}, {@code 4m05s}, {@code 2h03m}, {@code 3d04h}. */
  static String age(Duration age) {
    long millis = Math.max(0, age.toMillis());
    if (millis < 1_000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    if (seconds < 86_400) {
      return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
  }
}
