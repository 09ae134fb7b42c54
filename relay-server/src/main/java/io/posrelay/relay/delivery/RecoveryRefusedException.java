package io.posrelay.relay.delivery;

/**
 * The source of undelivered results refused a terminal's ask for a reason that asking again
 * will not fix (a bad request, a permission problem). {@link SessionRecovery} stops asking for
 * that session and logs it once; every other failure is retried with backoff.
 */
public final class RecoveryRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was refused, for the log
   * @param cause the source's own error, e.g. a gRPC status
   */
  public RecoveryRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
