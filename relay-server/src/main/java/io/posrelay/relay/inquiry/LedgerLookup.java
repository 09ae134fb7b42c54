package io.posrelay.relay.inquiry;

import io.posrelay.admin.v1.Delivery;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Reads deliveries from the ledger (admin-api) for inquiries: admin-api's gRPC in production, a
 * map in tests.
 *
 * <p>Implementations are thread-safe, never block the caller (they are called on Netty event
 * loops) and give every call a deadline. A stage may complete on any thread. A failed stage
 * (any cause: the ledger unreachable, too slow, refusing the call) means "cannot answer now";
 * the caller answers the terminal with Error CODE_UNAVAILABLE.
 */
public interface LedgerLookup {

  /**
   * The delivery of one result.
   *
   * @param resultId the result's id
   * @return the delivery, or empty if the ledger holds no such result (NOT_FOUND)
   */
  CompletionStage<Optional<Delivery>> delivery(String resultId);

  /**
   * A terminal's newest deliveries by the time ILK's callback was accepted, newest first.
   *
   * @param terminalId the terminal (TID)
   * @param limit most deliveries returned, 1..20
   * @return at most {@code limit} deliveries, all of {@code terminalId}
   */
  CompletionStage<List<Delivery>> newest(String terminalId, int limit);
}
