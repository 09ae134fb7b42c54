package io.posrelay.relay.pos;

import io.posrelay.pos.v1.Hello;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Checks the fields of a Hello against the POS protocol. Stateless; thread-safe. */
final class HelloValidator {
  static final Pattern TERMINAL_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  static final int MAX_MERCHANT_ID_CHARS = 64;
  static final int MAX_AUTH_TOKEN_CHARS = 512;

  private HelloValidator() {}

  /**
   * @return {@code null} if valid, else a message naming the bad field (never its value when it
   *     is the auth token)
   */
  static @Nullable String problemWith(Hello hello) {
    String terminalId = hello.getTerminalId();
    if (!TERMINAL_ID.matcher(terminalId).matches()) {
      return "terminal_id: must match [A-Za-z0-9_-]{1,64} (got " + terminalId.length()
          + " characters)";
    }
    if (hello.getMerchantId().length() > MAX_MERCHANT_ID_CHARS) {
      return "merchant_id: " + hello.getMerchantId().length()
          + " characters (expected: <= " + MAX_MERCHANT_ID_CHARS + ")";
    }
    if (hello.getAuthToken().length() > MAX_AUTH_TOKEN_CHARS) {
      return "auth_token: " + hello.getAuthToken().length()
          + " characters (expected: <= " + MAX_AUTH_TOKEN_CHARS + ")";
    }
    return null;
  }
}
