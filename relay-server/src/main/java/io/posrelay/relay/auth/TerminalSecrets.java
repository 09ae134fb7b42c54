package io.posrelay.relay.auth;

import io.posrelay.pos.v1.auth.TerminalTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Loads the deployment secrets that terminal tokens are derived from, from a file (flag {@code
 * --terminal-secret-file}) or an environment variable ({@value #ENV}); the file wins if both are
 * given. The file holds one secret per line, the variable separates them with a comma; the first
 * is the current secret, an optional second the previous one, still accepted during a rotation.
 * Empty lines and whitespace around each secret are ignored; each secret needs at least {@value
 * TerminalTokens#MIN_SECRET_CHARS} characters.
 *
 * <p>Error messages name the flag ({@value #KEY}) or the variable, never a secret. Stateless.
 */
public final class TerminalSecrets {
  /** The configuration key (and, with {@code --}, the flag) of the secrets file. */
  public static final String KEY = "terminal-secret-file";
  /** The environment variable that may hold the secrets, comma-separated. */
  public static final String ENV = "POSRELAY_TERMINAL_SECRETS";

  private static final Pattern LINES = Pattern.compile("\\R");
  private static final Pattern COMMAS = Pattern.compile(",");

  private TerminalSecrets() {}

  /**
   * The tokens of the configured secrets, or {@code null} when none are configured (terminal
   * authentication off).
   *
   * @param file the secrets file, or {@code null}
   * @param envValue the value of {@value #ENV}, or {@code null} (blank counts as unset)
   * @return the tokens, or {@code null} if neither is given
   * @throws IllegalArgumentException naming {@value #KEY} or {@value #ENV} if the file cannot be
   *     read, or the value holds no secret, more than two, or one that is too short
   */
  public static @Nullable TerminalTokens load(@Nullable Path file, @Nullable String envValue) {
    if (file != null) {
      String text;
      try {
        text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException(
            KEY + ": " + file + " (expected: a readable file; " + e.getClass().getSimpleName()
                + ")");
      }
      return parse(text, LINES, KEY + ": " + file, "one secret per line");
    }
    if (envValue != null && !envValue.isBlank()) {
      return parse(envValue, COMMAS, ENV, "comma-separated secrets");
    }
    return null;
  }

  private static TerminalTokens parse(
      String value, Pattern separator, String source, String format) {
    List<byte[]> secrets = new ArrayList<>(2);
    int index = 0;
    for (String part : separator.split(value, -1)) {
      String secret = part.strip();
      if (secret.isEmpty()) {
        continue;
      }
      index++;
      int chars = secret.codePointCount(0, secret.length());
      if (chars < TerminalTokens.MIN_SECRET_CHARS) {
        throw new IllegalArgumentException(source + ": secret " + index + " has " + chars
            + " characters (expected: >= " + TerminalTokens.MIN_SECRET_CHARS + ")");
      }
      secrets.add(secret.getBytes(StandardCharsets.UTF_8));
    }
    if (secrets.isEmpty() || secrets.size() > 2) {
      throw new IllegalArgumentException(source + ": " + secrets.size()
          + " secrets (expected: 1 or 2, " + format + ", the current one first)");
    }
    return new TerminalTokens(secrets);
  }
}
