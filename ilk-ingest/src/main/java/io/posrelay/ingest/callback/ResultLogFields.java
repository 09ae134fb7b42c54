package io.posrelay.ingest.callback;

import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.PaymentResult;

/**
 * The MDC fields of a log line about one result: {@code result_id}, {@code transaction_id} and
 * {@code terminal_id}, the two ids ILK chose with any PAN-like number redacted ({@link
 * MaskedCardNumbers#redact}), as in the line's own text. Stateless and thread-safe.
 */
public final class ResultLogFields {
  private ResultLogFields() {}

  /**
   * Sets the fields of {@code result} on this thread's MDC until the returned context is closed.
   *
   * @param result the result a line is about
   * @return the context to close, in a try-with-resources block
   */
  public static LogContext of(PaymentResult result) {
    return LogContext.open()
        .resultId(result.getResultId())
        .transactionId(MaskedCardNumbers.redact(result.getTransactionId()))
        .terminalId(MaskedCardNumbers.redact(result.getTerminalId()));
  }
}
