package io.posrelay.relayctl.secure;

import io.posrelay.testkit.secure.SecureMaterial;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * {@code --secure} and {@code --secure-dir}, shared by {@code local}, {@code demo}, {@code
 * pos-sim}, {@code ilk-sim}, {@code terminal-token} and {@code admin}: {@code local --secure}
 * creates (or reuses) the directory; the others read the CA certificate and the secrets from it.
 */
public final class SecureOptions {
  @Option(
      names = "--secure",
      description = "Secure mode, as 'local --secure' runs it: TLS on every connection (trusting"
          + " the CA in --secure-dir), signed ILK callbacks, terminal tokens and the operator"
          + " token, all from --secure-dir. 'local' creates whatever is missing there.")
  boolean secure;

  @Option(
      names = "--secure-dir",
      paramLabel = "DIR",
      defaultValue = "${env:POSRELAY_HOME:-.}/" + SecureMaterial.DEFAULT_DIR,
      description = "Secure mode's directory of the CA, certificates and secrets"
          + " (default: ${DEFAULT-VALUE}).")
  Path dir = Path.of(SecureMaterial.DEFAULT_DIR);

  /** Whether {@code --secure} was given. */
  public boolean enabled() {
    return secure;
  }

  /** {@code --secure-dir}, whether or not secure mode is on. */
  public Path dir() {
    return dir;
  }

  /**
   * For clients: the material of a running secure cluster, or null without {@code --secure}.
   *
   * @throws IllegalArgumentException starting with {@code --secure:} if it is given but the
   *     directory lacks a file clients need; the message says to start {@code local --secure}
   *     first (commands turn it into a usage error, exit code 2)
   */
  public @Nullable SecureMaterial existingIfEnabled() {
    if (!secure) {
      return null;
    }
    try {
      return SecureMaterial.existing(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException("--secure: " + e.getMessage(), e);
    }
  }
}
