package io.posrelay.admin.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The operator tokens admin-api accepts: none (the check is off), one, or two — the current one
 * and, during a rotation, the previous one. Each token is 32..1024 visible ASCII characters (no
 * spaces: it travels in the {@code authorization} header).
 *
 * <p>Read by {@link #load} from a file (one token a line) or an environment variable (tokens
 * separated by a comma); the file wins if both are given; empty lines and surrounding whitespace
 * are ignored. Errors name the flag or variable, never a token, and {@link #toString()} shows
 * only how many tokens there are.
 *
 * <p>{@link #accepts} compares SHA-256 digests with {@link MessageDigest#isEqual}, so the time it
 * takes does not depend on how much of a token was right. Immutable and thread-safe.
 */
public final class OperatorTokens {
  /** No tokens: every call is accepted. */
  public static final OperatorTokens NONE = new OperatorTokens(List.of());
  /** Fewest characters in a token. */
  public static final int MIN_CHARS = 32;
  /** Most characters in a token. */
  public static final int MAX_CHARS = 1024;

  private static final int MAX_FILE_BYTES = 16 * 1024;
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");

  private final List<String> tokens;
  private final List<byte[]> digests;

  private OperatorTokens(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    this.digests = this.tokens.stream().map(OperatorTokens::sha256).toList();
  }

  /**
   * Reads the tokens from {@code file} if it is not null, else from {@code envValue}.
   *
   * @param file a file of one or two tokens, one a line; null = none
   * @param fileKey the flag that named the file, for messages (e.g. {@code operator-token-file})
   * @param envValue the environment variable's value, tokens separated by commas; null or blank =
   *     none
   * @param envName the variable's name, for messages (e.g. {@code POSRELAY_OPERATOR_TOKENS})
   * @return the tokens; {@link #NONE} if neither gives any
   * @throws IllegalArgumentException naming {@code fileKey} or {@code envName} if the file cannot
   *     be read or is larger than 16 KiB, or the value holds no token, more than two, or a token
   *     that is not 32..1024 visible ASCII characters
   */
  public static OperatorTokens load(
      @Nullable Path file, String fileKey, @Nullable String envValue, String envName) {
    if (file != null) {
      return parse(read(file, fileKey), "\\R", fileKey + ": " + file);
    }
    if (envValue != null && !envValue.isBlank()) {
      return parse(envValue, ",", envName);
    }
    return NONE;
  }

  private static String read(Path file, String fileKey) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(fileKey + ": " + file + " is larger than "
            + MAX_FILE_BYTES + " bytes (expected: one or two tokens, one a line)");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(fileKey + ": " + file + " cannot be read ("
          + e.getClass().getSimpleName() + ") (expected: a readable file of one or two tokens)",
          e);
    }
  }

  /**
   * Parses one or two tokens.
   *
   * @param value the tokens, separated by {@code separatorRegex}
   * @param separatorRegex {@code "\\R"} (lines) or {@code ","}
   * @param source what the value came from, starts every error message
   * @throws IllegalArgumentException as {@link #load}
   */
  static OperatorTokens parse(String value, String separatorRegex, String source) {
    List<String> tokens = Arrays.stream(value.split(separatorRegex))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .toList();
    if (tokens.isEmpty() || tokens.size() > 2) {
      throw new IllegalArgumentException(source + ": " + tokens.size()
          + " tokens (expected: one, or two during a rotation: the current one first)");
    }
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (token.length() < MIN_CHARS || token.length() > MAX_CHARS
          || !VISIBLE_ASCII.matcher(token).matches()) {
        throw new IllegalArgumentException(source + ": token " + (i + 1) + " is not valid"
            + " (expected: " + MIN_CHARS + ".." + MAX_CHARS
            + " visible ASCII characters, no spaces)");
      }
    }
    return new OperatorTokens(tokens);
  }

  /** Whether no token is configured: the check is off. */
  public boolean isEmpty() {
    return tokens.isEmpty();
  }

  /** How many tokens are accepted: 0, 1 or 2. */
  public int size() {
    return tokens.size();
  }

  /**
   * The current (first) token, which a client sends.
   *
   * @throws IllegalStateException if there is none
   */
  public String current() {
    if (tokens.isEmpty()) {
      throw new IllegalStateException("no operator token configured");
    }
    return tokens.get(0);
  }

  /**
   * Whether {@code presented} is one of the tokens, in time that does not depend on where it
   * differs; every accepted token is compared.
   */
  public boolean accepts(String presented) {
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] accepted : digests) {
      match |= MessageDigest.isEqual(digest, accepted);
    }
    return match;
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** {@code "off"} or the number of tokens; never a token. */
  @Override
  public String toString() {
    return tokens.isEmpty() ? "off" : tokens.size() + (tokens.size() == 1 ? " token" : " tokens");
  }
}
