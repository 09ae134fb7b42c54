package io.posrelay.runtime.config;

/**
 * A configured value as text, and where it came from.
 *
 * @param value the text, as a config file would hold it
 * @param source {@code default}, {@code --ack-timeout-ms}, {@code env POSRELAY_ACK_TIMEOUT_MS},
 *     {@code file relay.properties}, or {@code code} (set by a program)
 */
record Setting(String value, String source) {
  /** What a secret shows as. */
  static final String HIDDEN = "[hidden]";
  static final String DEFAULT = "default";
}
