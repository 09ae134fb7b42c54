package io.posrelay.relay.delivery;

import io.posrelay.admin.v1.Delivery;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The source of a terminal's undelivered results for recovery on reconnect: admin-api's ledger
 * over gRPC in production, a map in tests.
 *
 * <p>Implementations must be thread-safe and must not block the caller: {@link #fetch} is called
 * on Netty event loops.
 */
@FunctionalInterface
public interface UndeliveredResults {

  /**
   * Asks for the terminal's deliveries that are FAILED or PENDING, every page, bounded in number
   * and in time by the implementation. The stage completes on some other thread; exceptionally
   * if the source cannot answer (unreachable, deadline passed, error status): with a {@link
   * RecoveryRefusedException} if asking again cannot help, otherwise with any other exception
   * and the caller retries.
   *
   * @param terminalId the terminal (TID)
   * @return the deliveries, in any order; possibly including some of other statuses, which the
   *     caller ignores
   */
  CompletionStage<List<Delivery>> fetch(String terminalId);
}
