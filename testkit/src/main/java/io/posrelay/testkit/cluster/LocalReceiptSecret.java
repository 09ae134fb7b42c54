package io.posrelay.testkit.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.posrelay.runtime.secrets.RotatingSecrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The secret a local cluster's ilk-ingest signs receipts to ILK with: {@code
 * <workDir>/ilk-receipt.secret}, 64 random hex digits, created (owner-only) on first use and
 * reused after, so the receipt endpoint (the demo's simulated ILK, or yours) can check them.
 */
public final class LocalReceiptSecret {
  /** The file's name in the work directory: {@value}. */
  public static final String FILE_NAME = "ilk-receipt.secret";

  private LocalReceiptSecret() {}

  /**
   * The secret's file, created if absent.
   *
   * @throws UncheckedIOException if it cannot be created
   */
  public static synchronized Path file(Path workDir) {
    Path file = workDir.toAbsolutePath().resolve(FILE_NAME);
    if (Files.isRegularFile(file)) {
      return file;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    try {
      Files.createDirectories(workDir);
      Files.writeString(file, HexFormat.of().formatHex(random) + "\n", UTF_8);
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: left as created
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    }
    return file;
  }

  /** The secret of {@link #file}, loaded. */
  public static RotatingSecrets load(Path workDir) {
    return RotatingSecrets.load(file(workDir), FILE_NAME, null, "",
        RotatingSecrets.Rule.HMAC_SECRET).orElseThrow();
  }
}
