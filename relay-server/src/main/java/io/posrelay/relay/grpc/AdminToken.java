package io.posrelay.relay.grpc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The operator token this relay node sends to admin-api ({@code authorization: Bearer <token>}),
 * read from {@code --admin-token-file} (one token a line) or else {@code POSRELAY_ADMIN_TOKEN}
 * (comma-separated), as admin-api reads its own: one token, or two during a rotation, of which the
 * first is sent. Errors name the flag or variable, never the token. Stateless.
 */
public final class AdminToken {
  /** The environment variable of the token. */
  public static final String ENV = "POSRELAY_ADMIN_TOKEN";

  private static final int MAX_FILE_BYTES = 16 * 1024;
  /** 32..1024 visible ASCII characters, as admin-api accepts. */
  static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{32,1024}");

  private AdminToken() {}

  /**
   * Reads the token.
   *
   * @param file the token file; null = none
   * @param envValue the value of {@value #ENV}; null or blank = none
   * @return the (first) token, or "" if neither is given: calls carry no token
   * @throws IllegalArgumentException starting with {@code admin-token-file:} or {@code
   *     POSRELAY_ADMIN_TOKEN:} if the file cannot be read or holds no token, more than two, or a
   *     token that is not 32..1024 visible ASCII characters
   */
  public static String read(@Nullable Path file, @Nullable String envValue) {
    if (file != null) {
      return first(readFile(file), "\\R", "admin-token-file: " + file);
    }
    if (envValue != null && !envValue.isBlank()) {
      return first(envValue, ",", ENV);
    }
    return "";
  }

  private static String readFile(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IllegalArgumentException("admin-token-file: " + file + " is larger than "
            + MAX_FILE_BYTES + " bytes (expected: one token, or two during a rotation)");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("admin-token-file: " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ") (expected: a readable file holding the token)", e);
    }
  }

  private static String first(String value, String separator, String source) {
    List<String> tokens = Arrays.stream(value.split(separator))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .toList();
    if (tokens.isEmpty() || tokens.size() > 2) {
      throw new IllegalArgumentException(source + ": " + tokens.size()
          + " tokens (expected: one, or two during a rotation: the current one first)");
    }
    for (int i = 0; i < tokens.size(); i++) {
      if (!TOKEN.matcher(tokens.get(i)).matches()) {
        throw new IllegalArgumentException(source + ": token " + (i + 1)
            + " is not valid (expected: 32..1024 visible ASCII characters, no spaces)");
      }
    }
    return tokens.get(0);
  }
}
