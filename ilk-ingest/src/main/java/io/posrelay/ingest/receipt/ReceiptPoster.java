package io.posrelay.ingest.receipt;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one receipt to ILK. Implementations never block the caller and never complete the future
 * exceptionally: every failure is a {@link SendOutcome}.
 */
public interface ReceiptPoster extends AutoCloseable {
  /**
   * POSTs {@code body}, the JSON of {@code receipt}, signed at the time of sending.
   *
   * @return the outcome, completed on the poster's own thread
   */
  CompletableFuture<SendOutcome> post(Receipt receipt, byte[] body);

  /** Stops the poster's threads; a POST still in flight completes as a {@link SendOutcome.Retry}. */
  @Override
  void close();
}
