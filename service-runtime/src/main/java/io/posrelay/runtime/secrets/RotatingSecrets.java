package io.posrelay.runtime.secrets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One or two shared secrets of a kind: the current one and, while it is being rotated, the
 * previous one, which is still accepted. The one loader of every secret POS Relay holds: the
 * secrets ILK signs callbacks with, the secrets terminal tokens are derived from, and the operator
 * tokens of admin-api (and of its clients).
 *
 * <p>{@link #load} reads them from a file (one a line, the current one first) or else from a value
 * (comma-separated, e.g. from an environment variable); blank entries and whitespace around each
 * are ignored. A secret is never a command-line value: {@code ps} would show it. Every error
 * message names where the secrets came from (the config key and the file, or the key of the
 * value) and what was expected, never a secret; {@link #toString()} says only how many there are.
 *
 * <p>Immutable and thread-safe.
 */
public final class RotatingSecrets {
  /** Largest secrets file read, in bytes: a larger one is a mistake, not a secret. */
  static final int MAX_FILE_BYTES = 16 * 1024;

  private static final Pattern LINES = Pattern.compile("\\R");
  private static final Pattern COMMAS = Pattern.compile(",");
  private static final Pattern VISIBLE_ASCII = Pattern.compile("[\\x21-\\x7E]+");

  /**
   * What a secret of one kind must look like.
   *
   * @param noun what one of them is called in messages: {@code "secret"} or {@code "token"}
   * @param minChars fewest characters (Unicode code points), >= 1
   * @param maxChars most characters
   * @param visibleAsciiOnly whether only {@code !}..{@code ~} are allowed (a token that travels
   *     in an HTTP header); otherwise any UTF-8 text without surrounding whitespace
   */
  public record Rule(String noun, int minChars, int maxChars, boolean visibleAsciiOnly) {
    /** Shared HMAC secrets: 32 or more characters of any text (ILK signatures, terminal tokens). */
    public static final Rule HMAC_SECRET = new Rule("secret", 32, 4096, false);
    /** Bearer tokens: 32..1024 visible ASCII characters, no spaces (admin-api operator tokens). */
    public static final Rule BEARER_TOKEN = new Rule("token", 32, 1024, true);

    String expected() {
      return minChars + ".." + maxChars + (visibleAsciiOnly
          ? " visible ASCII characters, no spaces" : " characters");
    }
  }

  private final List<byte[]> secrets;
  private final List<byte[]> digests;
  private final String current;

  private RotatingSecrets(List<String> secrets) {
    this.current = secrets.get(0);
    this.secrets = secrets.stream().map(s -> s.getBytes(UTF_8)).toList();
    this.digests = this.secrets.stream().map(RotatingSecrets::sha256).toList();
  }

  /**
   * Secrets given directly, the current one first (tests and embedded use).
   *
   * @throws IllegalArgumentException if there are not 1 or 2, or one breaks {@code rule}
   */
  public static RotatingSecrets of(Rule rule, String... secrets) {
    return parse(List.of(secrets), rule, "secrets", "the current one first");
  }

  /**
   * Reads the secrets from {@code file} if it is given, else from {@code value} if that is set and
   * not blank.
   *
   * @param file a UTF-8 file of one or two secrets, one a line; null = none
   * @param fileKey the config key that named the file, e.g. {@code ilk-secret-file}, for messages
   * @param value the secrets separated by commas (an environment variable's value); null or blank
   *     = none
   * @param valueKey the config key (or variable) the value came from, for messages
   * @param rule what each secret must look like
   * @return the secrets, or empty when neither source gives any (the check they serve is off)
   * @throws IllegalArgumentException starting with {@code fileKey: file} or {@code valueKey}: a
   *     file that cannot be read, is larger than 16 KiB or is not UTF-8; no secret, more than two,
   *     or one that breaks {@code rule}
   */
  public static Optional<RotatingSecrets> load(@Nullable Path file, String fileKey,
      @Nullable String value, String valueKey, Rule rule) {
    if (file != null) {
      String source = fileKey + ": " + file;
      return Optional.of(parse(List.of(LINES.split(read(file, source), -1)), rule, source,
          "one a line, the current one first"));
    }
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(parse(List.of(COMMAS.split(value, -1)), rule, valueKey,
        "comma-separated, the current one first"));
  }

  private static String read(Path file, String source) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(
          source + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new IllegalArgumentException(source + ": larger than " + MAX_FILE_BYTES
          + " bytes (expected: one or two secrets, one a line)");
    }
    try {
      // Strict UTF-8: a key that is not text is a configuration error, not silently replaced.
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(source + " (expected: UTF-8 text)");
    }
  }

  private static RotatingSecrets parse(List<String> entries, Rule rule, String source,
      String layout) {
    List<String> secrets = new ArrayList<>(2);
    for (String entry : entries) {
      String secret = entry.strip();
      if (secret.isEmpty()) {
        continue;
      }
      int chars = secret.codePointCount(0, secret.length());
      int index = secrets.size() + 1;
      if (rule.visibleAsciiOnly() && (chars < rule.minChars() || chars > rule.maxChars()
          || !VISIBLE_ASCII.matcher(secret).matches())) {
        // Neither the length nor the offending character: a token's shape is part of it.
        throw new IllegalArgumentException(source + ": " + rule.noun() + " " + index
            + " is not valid (expected: " + rule.expected() + ")");
      }
      if (chars < rule.minChars() || chars > rule.maxChars()) {
        throw new IllegalArgumentException(source + ": " + rule.noun() + " " + index + " has "
            + chars + " characters (expected: " + rule.expected() + ")");
      }
      secrets.add(secret);
    }
    if (secrets.isEmpty() || secrets.size() > 2) {
      throw new IllegalArgumentException(source + ": " + secrets.size() + " " + rule.noun()
          + "s (expected: 1, or 2 during a rotation; " + layout + ")");
    }
    return new RotatingSecrets(secrets);
  }

  /** The current secret's UTF-8 bytes (a copy): the one to sign or authenticate with. */
  public byte[] current() {
    return secrets.get(0).clone();
  }

  /** The current secret as text: what a client sends, e.g. in an {@code authorization} header. */
  public String currentText() {
    return current;
  }

  /** Every accepted secret's UTF-8 bytes, current first (copies). */
  public List<byte[]> all() {
    return secrets.stream().map(byte[]::clone).toList();
  }

  /** How many secrets are accepted: 1, or 2 during a rotation. */
  public int size() {
    return secrets.size();
  }

  /**
   * Whether {@code presented} is one of the secrets, in time that does not depend on where it
   * differs: SHA-256 digests compared with {@link MessageDigest#isEqual}, every secret tried.
   */
  public boolean matches(String presented) {
    byte[] digest = sha256(presented.getBytes(UTF_8));
    boolean match = false;
    for (byte[] accepted : digests) {
      match |= MessageDigest.isEqual(digest, accepted);
    }
    return match;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /** How many secrets there are; never a secret. */
  @Override
  public String toString() {
    return "RotatingSecrets[" + secrets.size() + "]";
  }
}
