package io.posrelay.runtime.log;

import java.util.Locale;

/**
 * How a service writes its log lines to the console, the value of {@link LogKeys#LOG_FORMAT}.
 *
 * <table>
 *   <caption>Formats</caption>
 *   <tr><th>value</th><th>one line</th></tr>
 *   <tr><td>{@code text}</td><td>as the logback configuration says ({@code relayctl}'s:
 *       {@value #TEXT_PATTERN}), e.g. {@code 2026-12-05T09:14:03.215Z INFO  DeliveryTracker
 *       [result_id=…, terminal_id=T0001, node_id=relay-1] - delivery failed: ACK_TIMEOUT}</td></tr>
 *   <tr><td>{@code json}</td><td>one JSON object ({@link JsonLineEncoder}), e.g. {@code
 *       {"timestamp":"2026-12-05T09:14:03.215Z","level":"INFO","threadName":"…",
 *       "loggerName":"io.posrelay.relay.delivery.DeliveryTracker","mdc":
 *       {"result_id":"…","terminal_id":"T0001","node_id":"relay-1"},"message":"…"}}</td></tr>
 * </table>
 */
public enum LogFormat {
  /** Human-readable lines: the default, and what {@code relayctl local} uses. */
  TEXT,
  /** One JSON object per line, for a log pipeline. */
  JSON;

  /**
   * The text pattern relayctl's logback configuration uses and that the launcher installs where
   * logback found no configuration file: an ISO-8601 UTC time, the level, the logger's simple
   * name, the MDC fields in brackets when there are any, and the message.
   */
  public static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level"
      + " %logger{0} %replace([%mdc] ){'^\\[\\] $', ''}- %msg%n";

  /**
   * The format named {@code value}, in any case.
   *
   * @throws IllegalArgumentException if {@code value} is neither {@code text} nor {@code json}
   */
  public static LogFormat of(String value) {
    return valueOf(value.strip().toUpperCase(Locale.ROOT));
  }

  /** The configuration value: {@code text} or {@code json}. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
