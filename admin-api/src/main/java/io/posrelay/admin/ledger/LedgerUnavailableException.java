package io.posrelay.admin.ledger;

/**
 * The ledger's stores cannot be read now: Kafka Streams is starting, restoring its stores from
 * the changelogs, rebalancing, or has stopped. Retry later.
 */
public final class LedgerUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message why, e.g. {@code "ledger restoring (state REBALANCING)"} */
  public LedgerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /** @param message why, e.g. {@code "ledger restoring (state REBALANCING)"} */
  public LedgerUnavailableException(String message) {
    super(message);
  }
}
