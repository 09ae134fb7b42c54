package io.posrelay.admin;

import io.posrelay.admin.ledger.ReversalPolicy;
import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ServiceConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef.Validator;

/**
 * admin-api's reversal keys, defined once (part of {@link AdminKeys#SPEC}), and the {@link
 * ReversalPolicy} they make. An approved result (its result code in {@link #APPROVED_RESULT_CODES})
 * that is not DELIVERED by received_at + its merchant's reversal deadline becomes
 * REVERSAL_REQUIRED. A FAILED approval does not expire before its decision, whatever {@code
 * retention.ms} says. A bad value fails start-up with a message naming the key.
 */
public final class ReversalKeys {
  /** A merchant id in an override: what ilk-ingest accepts, without '=' or ','. */
  private static final Pattern MERCHANT_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final String MERCHANTS_EXPECTED =
      "MID=MS[,MID=MS...], each MID [A-Za-z0-9_.-]{1,64} once, each MS >= 1, or empty";

  /** ILK result codes that mean "approved". */
  public static final ConfigKey<List<String>> APPROVED_RESULT_CODES = ConfigKey.list(
      "reversal.approved-result-codes", List.copyOf(ReversalPolicy.DEFAULT_APPROVED_RESULT_CODES),
      resultCodes(),
      "ILK result codes that mean an approval: such a result not DELIVERED by its reversal"
          + " deadline becomes REVERSAL_REQUIRED (to be reversed, never delivered again). Other"
          + " codes (declines, errors) are never reversed; they end FAILED, then EXPIRED.");
  /** The reversal deadline of a merchant without an override. */
  public static final ConfigKey<Duration> DEADLINE = ConfigKey.millis("reversal.deadline.ms",
      ReversalPolicy.DEFAULT_DEADLINE, Checks.atLeast(1),
      "How long after received_at an approved result may still be delivered; past it, undelivered,"
          + " it becomes REVERSAL_REQUIRED. 60 s: a POS payment screen waits about 30-60 s for"
          + " the answer before the cashier takes the payment again, so a later approval risks a"
          + " double charge; keep it above claim-deadline.ms + ack-timeout.ms (8 s by default) so"
          + " that a connected terminal gets its result, and a redelivery, first.");
  /** Per-merchant overrides of {@link #DEADLINE}. */
  public static final ConfigKey<String> MERCHANT_DEADLINES = ConfigKey.string(
      "reversal.deadline.merchants", "", merchantDeadlines(),
      "Per-merchant reversal deadlines overriding reversal.deadline.ms, as MID=MS pairs,"
          + " comma-separated, e.g. 'MID1=120000,MID2=30000'; empty = none.")
      .withValueLabel("MID=MS,...");

  /** The keys, in the order {@code --help} lists them. */
  public static final List<ConfigKey<?>> ALL =
      List.of(APPROVED_RESULT_CODES, DEADLINE, MERCHANT_DEADLINES);

  private ReversalKeys() {}

  /** The reversal policy of a configuration built from {@link AdminKeys#SPEC}. */
  public static ReversalPolicy policy(ServiceConfig config) {
    return new ReversalPolicy(new LinkedHashSet<>(config.get(APPROVED_RESULT_CODES)),
        config.get(DEADLINE), parseMerchantDeadlines(config.get(MERCHANT_DEADLINES)));
  }

  /**
   * Parses {@code MID=MS[,MID=MS…]} (blanks around items ignored; empty = none).
   *
   * @throws IllegalArgumentException naming the bad item
   */
  static Map<String, Duration> parseMerchantDeadlines(String text) {
    Map<String, Duration> deadlines = new LinkedHashMap<>();
    if (text.isBlank()) {
      return deadlines;
    }
    for (String item : text.split(",", -1)) {
      String pair = item.strip();
      int eq = pair.indexOf('=');
      String mid = eq < 0 ? pair : pair.substring(0, eq).strip();
      long ms;
      try {
        ms = eq < 0 ? -1 : Long.parseLong(pair.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        ms = -1;
      }
      if (!MERCHANT_ID.matcher(mid).matches() || ms < 1) {
        throw new IllegalArgumentException("'" + pair + "' is not MID=MS");
      }
      if (deadlines.put(mid, Duration.ofMillis(ms)) != null) {
        throw new IllegalArgumentException(mid + " is given twice");
      }
    }
    return deadlines;
  }

  private static Validator merchantDeadlines() {
    return Checks.parsedBy(MERCHANTS_EXPECTED, value -> parseMerchantDeadlines((String) value));
  }

  private static Validator resultCodes() {
    Pattern code = Pattern.compile("[A-Za-z0-9_-]{1,16}");
    return Checks.parsedBy("at least one code, each [A-Za-z0-9_-]{1,16}", value -> {
      List<?> codes = (List<?>) value;
      if (codes.isEmpty()) {
        throw new IllegalArgumentException("none given");
      }
      for (Object c : codes) {
        if (!code.matcher(String.valueOf(c)).matches()) {
          throw new IllegalArgumentException("'" + c + "' is not a result code");
        }
      }
    });
  }
}
