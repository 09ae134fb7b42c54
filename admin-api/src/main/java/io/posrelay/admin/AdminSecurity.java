package io.posrelay.admin;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.posrelay.admin.auth.OperatorTokens;
import io.posrelay.admin.tls.GrpcTls;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How admin-api's gRPC listener is secured: operator tokens and TLS. Immutable; validated once by
 * {@link Builder#build()}, which also reads the PEM files, so a bad file fails start-up with the
 * key that named it. {@link #NONE} — no tokens, plaintext — is the default, which {@code
 * bin/relayctl local} and the tests use.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>operator-token-file / POSRELAY_OPERATOR_TOKENS</td><td>none: check off</td>
 *       <td>{@link OperatorTokens}: one or two tokens every call but health must carry</td></tr>
 *   <tr><td>reflection-requires-token</td><td>false</td><td>whether server reflection needs the
 *       token too</td></tr>
 *   <tr><td>tls-cert-file, tls-key-file</td><td>none: plaintext</td><td>PEM certificate chain and
 *       PEM PKCS#8 key of the gRPC listener; both or neither</td></tr>
 *   <tr><td>peer-tls-ca-file</td><td>the JVM's trust store</td><td>PEM CA certificates the peer
 *       fan-out trusts; only with TLS</td></tr>
 * </table>
 */
public final class AdminSecurity {
  /** No tokens, plaintext. */
  public static final AdminSecurity NONE = builder().build();

  private final OperatorTokens operatorTokens;
  private final boolean reflectionRequiresToken;
  private final @Nullable Path tlsCertFile;
  private final @Nullable Path tlsKeyFile;
  private final @Nullable Path peerTlsCaFile;

  private AdminSecurity(Builder b) {
    operatorTokens = b.operatorTokens;
    reflectionRequiresToken = b.reflectionRequiresToken;
    tlsCertFile = b.tlsCertFile;
    tlsKeyFile = b.tlsKeyFile;
    peerTlsCaFile = b.peerTlsCaFile;
  }

  /** A builder of {@link #NONE}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The accepted operator tokens; {@link OperatorTokens#NONE} = the check is off. */
  public OperatorTokens operatorTokens() {
    return operatorTokens;
  }

  /** Whether server reflection needs the operator token too (health never does). */
  public boolean reflectionRequiresToken() {
    return reflectionRequiresToken;
  }

  /** Whether the gRPC listener, and so the peer fan-out, use TLS. */
  public boolean tlsEnabled() {
    return tlsCertFile != null;
  }

  /**
   * The gRPC listener's TLS context, read from the PEM files; null when TLS is off.
   *
   * @throws IllegalArgumentException naming the file's key if a file changed since {@link
   *     Builder#build()} and is no longer valid
   */
  public @Nullable SslContext serverTls() {
    return tlsCertFile == null || tlsKeyFile == null
        ? null : GrpcTls.server(tlsCertFile, tlsKeyFile, "tls-cert-file", "tls-key-file");
  }

  /**
   * The peer fan-out's TLS context: trusting {@code peer-tls-ca-file}, or the JVM's trust store;
   * null when TLS is off.
   *
   * @throws IllegalArgumentException as {@link #serverTls()}
   */
  public @Nullable SslContext peerTls() {
    return tlsEnabled() ? GrpcTls.client(peerTlsCaFile, "peer-tls-ca-file") : null;
  }

  @Override
  public String toString() {
    return "operator-tokens=" + operatorTokens
        + ", reflection-requires-token=" + reflectionRequiresToken
        + ", tls=" + (tlsCertFile == null ? "off" : "on (cert " + tlsCertFile + ")")
        + (peerTlsCaFile == null ? "" : ", peer-tls-ca-file=" + peerTlsCaFile);
  }

  /** Builds an {@link AdminSecurity}. Not thread-safe. */
  public static final class Builder {
    private OperatorTokens operatorTokens = OperatorTokens.NONE;
    private boolean reflectionRequiresToken;
    private @Nullable Path tlsCertFile;
    private @Nullable Path tlsKeyFile;
    private @Nullable Path peerTlsCaFile;

    private Builder() {}

    /** The accepted operator tokens; default {@link OperatorTokens#NONE} (check off). */
    public Builder operatorTokens(OperatorTokens operatorTokens) {
      this.operatorTokens = Objects.requireNonNull(operatorTokens, "operatorTokens");
      return this;
    }

    /** Whether reflection needs the token too; default false. */
    public Builder reflectionRequiresToken(boolean reflectionRequiresToken) {
      this.reflectionRequiresToken = reflectionRequiresToken;
      return this;
    }

    /**
     * The listener's PEM certificate chain and PEM PKCS#8 private key; both null (the default) =
     * plaintext.
     */
    public Builder tls(@Nullable Path certChainFile, @Nullable Path keyFile) {
      this.tlsCertFile = certChainFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    /** PEM CA certificates the peer fan-out trusts; null (the default) = the JVM's trust store. */
    public Builder peerTlsCaFile(@Nullable Path peerTlsCaFile) {
      this.peerTlsCaFile = peerTlsCaFile;
      return this;
    }

    /**
     * Validates, reading the PEM files, and builds.
     *
     * @throws IllegalArgumentException naming the first bad key, e.g. {@code "tls-key-file: …
     *     (expected: given together with tls-cert-file)"}
     */
    public AdminSecurity build() {
      if (tlsCertFile == null && tlsKeyFile != null) {
        throw new IllegalArgumentException(
            "tls-cert-file: missing (expected: given together with tls-key-file)");
      }
      if (tlsCertFile != null && tlsKeyFile == null) {
        throw new IllegalArgumentException(
            "tls-key-file: missing (expected: given together with tls-cert-file)");
      }
      if (tlsCertFile != null && tlsKeyFile != null) {
        GrpcTls.server(tlsCertFile, tlsKeyFile, "tls-cert-file", "tls-key-file");
      }
      if (peerTlsCaFile != null) {
        if (tlsCertFile == null) {
          throw new IllegalArgumentException("peer-tls-ca-file: " + peerTlsCaFile
              + " (expected: only with tls-cert-file and tls-key-file: peers speak TLS when this"
              + " instance does)");
        }
        GrpcTls.checkCertificates(peerTlsCaFile, "peer-tls-ca-file");
      }
      return new AdminSecurity(this);
    }
  }
}
