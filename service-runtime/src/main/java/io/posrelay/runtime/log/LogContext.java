package io.posrelay.runtime.log;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The MDC fields that tie a log line to a payment result, set for the lines logged inside a
 * {@code try} block and restored after it, so that nested blocks and pooled threads (Netty event
 * loops, consumer threads) never leak one result's fields into another's lines:
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.open().resultId(id).terminalId(tid).nodeId(nodeId)) {
 *   log.info("delivery failed: {}", reason);
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Fields</caption>
 *   <tr><td>{@value #RESULT_ID}</td><td>the result's id, as in the ledger</td></tr>
 *   <tr><td>{@value #TRANSACTION_ID}</td><td>ILK's transaction id, with any PAN-like number
 *       redacted by the caller</td></tr>
 *   <tr><td>{@value #TERMINAL_ID}</td><td>the terminal (TID)</td></tr>
 *   <tr><td>{@value #NODE_ID}</td><td>the relay node involved</td></tr>
 * </table>
 *
 * An empty value leaves the field unset. Not thread-safe: open and close it on one thread, as
 * the MDC is per thread.
 */
public final class LogContext implements AutoCloseable {
  /** MDC key of the result id. */
  public static final String RESULT_ID = "result_id";
  /** MDC key of ILK's transaction id. */
  public static final String TRANSACTION_ID = "transaction_id";
  /** MDC key of the terminal id. */
  public static final String TERMINAL_ID = "terminal_id";
  /** MDC key of the relay node id. */
  public static final String NODE_ID = "node_id";

  private final List<String> keys = new ArrayList<>(4);
  private final List<@Nullable String> previous = new ArrayList<>(4);

  private LogContext() {}

  /** A context with no field set yet; close it to restore the MDC as it was. */
  public static LogContext open() {
    return new LogContext();
  }

  /** Sets {@value #RESULT_ID}; see the class doc. */
  public LogContext resultId(String value) {
    return put(RESULT_ID, value);
  }

  /** Sets {@value #TRANSACTION_ID}; the caller redacts PAN-like numbers first. */
  public LogContext transactionId(String value) {
    return put(TRANSACTION_ID, value);
  }

  /** Sets {@value #TERMINAL_ID}. */
  public LogContext terminalId(String value) {
    return put(TERMINAL_ID, value);
  }

  /** Sets {@value #NODE_ID}. */
  public LogContext nodeId(String value) {
    return put(NODE_ID, value);
  }

  private LogContext put(String key, String value) {
    if (!value.isEmpty()) {
      keys.add(key);
      previous.add(MDC.get(key));
      MDC.put(key, value);
    }
    return this;
  }

  /** Restores each field this context set to its value before, last first. Idempotent. */
  @Override
  public void close() {
    for (int i = keys.size() - 1; i >= 0; i--) {
      String before = previous.get(i);
      if (before == null) {
        MDC.remove(keys.get(i));
      } else {
        MDC.put(keys.get(i), before);
      }
    }
    keys.clear();
    previous.clear();
  }
}
