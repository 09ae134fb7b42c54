package io.posrelay.runtime.config;

/**
 * A configuration that cannot run: the message names the key (or file) to fix, the value given
 * (never a secret's), what was expected, and where the value came from, e.g. {@code
 * "ack-timeout.ms: -5 (expected: >= 1), from --ack-timeout-ms"}. A service given one exits with
 * code 2 before it starts anything.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message the whole message, key first */
  public InvalidConfigException(String message) {
    super(message);
  }
}
