package io.posrelay.ingest.signature;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The shared secrets that ILK signs its callbacks with: the current one and, while a secret is
 * being rotated, the previous one. ilk-ingest accepts a callback signed with either; {@code
 * relayctl ilk-sim} signs with {@link #current()}.
 *
 * <p>Secrets never come from a command-line value: {@link #load} reads them from a file ({@value
 * #FILE_FLAG}, one secret per line) or from the environment variable {@value #ENV} (secrets
 * separated by a comma); the file wins if both are given. Empty entries and surrounding whitespace
 * are ignored. One or two secrets, each at least {@value #MIN_CHARS} characters; the UTF-8 bytes
 * of a secret are the HMAC-SHA256 key. Neither error messages nor {@link #toString()} ever contain
 * a secret. Immutable and thread-safe.
 */
public final class IlkSecrets {

  /** The flag naming the secrets file: {@value}. */
  public static final String FILE_FLAG = "--ilk-secret-file";
  /** The environment variable holding the secrets, comma-separated: {@value}. */
  public static final String ENV = "POSRELAY_ILK_SECRETS";
  /** Shortest secret accepted, in characters (Unicode code points): {@value}. */
  public static final int MIN_CHARS = 32;
  /** Most secrets at once: the current one and the previous one. */
  public static final int MAX_SECRETS = 2;

  private final List<byte[]> keys;

  private IlkSecrets(List<byte[]> keys) {
    this.keys = keys;
  }

  /**
   * Secrets given directly, current first (tests and embedded use).
   *
   * @throws IllegalArgumentException if there are none, more than two, or one is too short
   */
  public static IlkSecrets of(String... secrets) {
    return parse("secrets", List.of(secrets));
  }

  /**
   * Reads the secrets from {@code file} if given, else from {@code envValue} (the value of {@value
   * #ENV}) if it is set and not blank.
   *
   * @param file the {@value #FILE_FLAG} value, or null
   * @param envValue the {@value #ENV} value, or null when unset
   * @return the secrets, or empty when neither is configured (signature checks OFF)
   * @throws IllegalArgumentException naming the flag or variable (never a secret): unreadable
   *     file, no secret in the file, more than two secrets, a secret shorter than {@value
   *     #MIN_CHARS} characters
   */
  public static Optional<IlkSecrets> load(@Nullable Path file, @Nullable String envValue) {
    if (file != null) {
      return Optional.of(parse(FILE_FLAG + ": " + file, List.of(read(file).split("\\R", -1))));
    }
    if (envValue == null || envValue.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(parse(ENV, List.of(envValue.split(",", -1))));
  }

  private static String read(Path file) {
    try {
      // Strict UTF-8: a key that is not text is a configuration error, not silently replaced.
      return UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(FILE_FLAG + ": " + file + " (expected: UTF-8 text)");
    } catch (IOException | SecurityException e) {
      throw new IllegalArgumentException(FILE_FLAG + ": " + file + ": cannot read it ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static IlkSecrets parse(String source, List<String> entries) {
    List<byte[]> keys = new ArrayList<>();
    for (String entry : entries) {
      String secret = entry.strip();
      if (secret.isEmpty()) {
        continue;
      }
      int chars = secret.codePointCount(0, secret.length());
      if (chars < MIN_CHARS) {
        throw new IllegalArgumentException(source + ": secret " + (keys.size() + 1) + " has "
            + chars + " characters (expected: at least " + MIN_CHARS + ")");
      }
      keys.add(secret.getBytes(UTF_8));
    }
    if (keys.isEmpty() || keys.size() > MAX_SECRETS) {
      throw new IllegalArgumentException(source + ": " + keys.size()
          + " secrets (expected: 1 or 2, the current one first)");
    }
    return new IlkSecrets(List.copyOf(keys));
  }

  /** The current secret's key bytes (a copy): the one to sign with. */
  public byte[] current() {
    return keys.get(0).clone();
  }

  /** How many secrets are accepted: 1, or 2 during a rotation. */
  public int size() {
    return keys.size();
  }

  /** Every accepted key, current first; the arrays are shared: never modify them. */
  List<byte[]> keys() {
    return keys;
  }

  /** Says how many secrets there are, never what they are. */
  @Override
  public String toString() {
    return "IlkSecrets[" + keys.size() + (keys.size() == 1 ? " secret]" : " secrets]");
  }
}
