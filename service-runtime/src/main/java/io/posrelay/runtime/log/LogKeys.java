package io.posrelay.runtime.log;

import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import java.util.List;

/**
 * The logging keys every service takes, defined once: list {@link #ALL} in each service's {@code
 * ConfigSpec}; {@code ServiceLauncher} applies them before the service starts.
 */
public final class LogKeys {
  /** The console line format: {@code text} (default) or {@code json}; see {@link LogFormat}. */
  public static final ConfigKey<String> LOG_FORMAT = ConfigKey.string("log-format",
          LogFormat.TEXT.value(), Checks.oneOf("text", "json"),
          "Console log lines: text (human-readable, with the MDC fields) or json (one JSON object"
              + " per line: ISO-8601 UTC timestamp, level, logger, thread, message and the MDC"
              + " fields result_id, transaction_id, terminal_id, node_id).")
      .withValueLabel("text|json");

  /** Every logging key, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(LOG_FORMAT);

  private LogKeys() {}
}
