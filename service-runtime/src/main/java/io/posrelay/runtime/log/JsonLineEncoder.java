package io.posrelay.runtime.log;

import ch.qos.logback.classic.encoder.JsonEncoder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Logback's own {@link JsonEncoder}, set up for a log pipeline: one JSON object per line with
 *
 * <pre>
 * "timestamp"   ISO-8601 in UTC with milliseconds: "2026-12-05T09:14:03.215Z"
 * "level"       "INFO", "WARN", …
 * "threadName"  the thread that logged
 * "loggerName"  the logger, a class name
 * "mdc"         the MDC fields, when there are any: result_id, transaction_id, terminal_id,
 *               node_id ({@link LogContext})
 * "kvpList"     SLF4J key-value pairs, when there are any
 * "message"     the formatted message
 * "throwable"   the exception with its causes and stack frames, when there is one
 * </pre>
 *
 * Logback writes {@code timestamp} as epoch milliseconds and the unformatted message template
 * under {@code message}; this subclass writes the time as ISO-8601 text and the formatted message
 * under {@code message} instead, and leaves out the sequence number, nanoseconds, logger context
 * and argument array. Stateless apart from logback's lifecycle flag; thread-safe.
 */
public final class JsonLineEncoder extends JsonEncoder {
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** An encoder with the fields above; start it (or let the appender's owner) before use. */
  public JsonLineEncoder() {
    setWithSequenceNumber(false);
    setWithNanoseconds(false);
    setWithContext(false);
    setWithArguments(false);
    setWithMessage(false);
    setWithFormattedMessage(true);
  }

  /** Writes the event's time as ISO-8601 text rather than epoch milliseconds. */
  @Override
  protected void appenderMemberWithLongValue(StringBuilder sb, String key, long value) {
    if (TIMESTAMP_ATTR_NAME.equals(key)) {
      appenderMember(sb, key, ISO_MILLIS.format(Instant.ofEpochMilli(value)));
    } else {
      super.appenderMemberWithLongValue(sb, key, value);
    }
  }

  /** Writes the formatted message under {@code message}, the name log pipelines expect. */
  @Override
  protected void appenderMember(StringBuilder sb, String key, String value) {
    super.appenderMember(sb, FORMATTED_MESSAGE_ATTR_NAME.equals(key) ? MESSAGE_ATTR_NAME : key,
        value);
  }
}
