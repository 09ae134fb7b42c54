package io.posrelay.testkit.ilk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.posrelay.testkit.pos.SimTerminals;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;

/**
 * One simulated ILK approval callback: the JSON body that ILK posts to the webhook.
 *
 * @param transactionId ILK's transaction id, unique per callback
 * @param terminalId the terminal (TID) the result is for
 * @param merchantId the terminal's merchant (MID)
 * @param orderId the merchant's order reference
 * @param amount in KRW (no minor unit), > 0
 * @param approvalNumber the issuer's 8-digit authorisation code
 * @param installmentMonths 0 = lump sum
 * @param approvedAt when the issuer approved, whole seconds
 * @param unconnected true if no simulated terminal holds {@code terminalId}
 */
public record IlkCallback(
    String transactionId,
    String terminalId,
    String merchantId,
    String orderId,
    long amount,
    String approvalNumber,
    int installmentMonths,
    Instant approvedAt,
    boolean unconnected) {

  /** ILK's code for an approved payment. */
  public static final String APPROVED = "0000";

  /** A masked card number (first 6 / last 4 digits); the simulator never has a full PAN. */
  public static final String MASKED_CARD_NUMBER = "123456******1234";

  /**
   * The next callback of a run.
   *
   * @param config terminals, prefixes, unconnected ratio and run id
   * @param sequence 1-based number of the callback in this run
   * @param random source of the terminal, amount and unconnected choices
   */
  static IlkCallback next(IlkSimulatorConfig config, long sequence, Random random) {
    boolean unconnected = random.nextDouble() < config.unconnectedRatio();
    int terminal = 1 + random.nextInt(config.terminals());
    String terminalId =
        SimTerminals.terminalId(
            unconnected ? config.unconnectedPrefix() : config.terminalPrefix(), terminal);
    return new IlkCallback(
        "sim-" + config.runId() + "-" + sequence,
        terminalId,
        SimTerminals.merchantId(terminalId),
        "ORD-" + config.runId() + "-" + sequence,
        100L * (10 + random.nextInt(4_990)),
        String.format("%08d", random.nextInt(100_000_000)),
        random.nextInt(4) == 0 ? 3 : 0,
        Instant.now().truncatedTo(ChronoUnit.SECONDS),
        unconnected);
  }

  /**
   * The webhook body: {@code {"transactionId", "terminalId", "merchantId", "orderId",
   * "resultCode":"0000", "resultMessage", "amount", "currency":"KRW", "approvalNumber",
   * "cardNumberMasked", "installmentMonths", "approvedAt"}}, approvedAt as ISO-8601 UTC.
   */
  public byte[] toJson(ObjectMapper mapper) {
    ObjectNode body = mapper.createObjectNode();
    body.put("transactionId", transactionId);
    body.put("terminalId", terminalId);
    body.put("merchantId", merchantId);
    body.put("orderId", orderId);
    body.put("resultCode", APPROVED);
    body.put("resultMessage", "approved");
    body.put("amount", amount);
    body.put("currency", "KRW");
    body.put("approvalNumber", approvalNumber);
    body.put("cardNumberMasked", MASKED_CARD_NUMBER);
    body.put("installmentMonths", installmentMonths);
    body.put("approvedAt", approvedAt.toString());
    try {
      return mapper.writeValueAsBytes(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }
}
