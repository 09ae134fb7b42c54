package io.posrelay.relayctl.admin;

import com.google.common.net.HostAndPort;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How relayctl reaches admin-api: the operator token its calls carry ({@code authorization:
 * Bearer <token>}) and the CA it trusts for TLS. Read once per command from {@code
 * --admin-token-file} or else {@value #TOKEN_ENV} (as admin-api reads its operator tokens: one or
 * two, the current one first, 32..1024 visible ASCII characters), and {@code --tls-ca-file}.
 * Immutable; {@link #toString()} never shows the token.
 */
public final class AdminCredentials {
  /** The environment variable of the operator token. */
  public static final String TOKEN_ENV = "POSRELAY_ADMIN_TOKEN";
  /** The flag of the operator token file: {@value}. */
  public static final String TOKEN_FILE_FLAG = "--admin-token-file";
  /** The flag of the CA file: {@value}. */
  public static final String CA_FILE_FLAG = "--tls-ca-file";
  /** No token, plaintext: what {@code bin/relayctl local} serves. */
  public static final AdminCredentials NONE =
      new AdminCredentials(null, InsecureChannelCredentials.create(), false);

  private final @Nullable String token;
  private final ChannelCredentials channel;
  private final boolean tls;

  private AdminCredentials(@Nullable String token, ChannelCredentials channel, boolean tls) {
    this.token = token;
    this.channel = channel;
    this.tls = tls;
  }

  /**
   * Reads the credentials.
   *
   * @param tokenFile the operator token file (one token a line; the first is sent); null = none
   * @param tokenEnv the value of {@value #TOKEN_ENV}, used when there is no file; null = none
   * @param caFile PEM CA certificates to trust, which turns TLS on; null = plaintext
   * @throws IllegalArgumentException starting with {@value #TOKEN_FILE_FLAG}, {@value #TOKEN_ENV}
   *     or {@value #CA_FILE_FLAG} if that value is not valid; never shows a token
   */
  public static AdminCredentials read(
      @Nullable Path tokenFile, @Nullable String tokenEnv, @Nullable Path caFile) {
    String token = RotatingSecrets.load(tokenFile, TOKEN_FILE_FLAG, tokenEnv, TOKEN_ENV,
            RotatingSecrets.Rule.BEARER_TOKEN)
        .map(RotatingSecrets::currentText)
        .orElse(null);
    if (caFile == null) {
      return new AdminCredentials(token, InsecureChannelCredentials.create(), false);
    }
    PemTls.certificates(caFile, CA_FILE_FLAG); // a clear message for a file that is no CA
    try {
      return new AdminCredentials(token,
          TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build(), true);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(CA_FILE_FLAG + ": " + caFile
          + " (expected: PEM CA certificates; " + e.getMessage() + ")", e);
    }
  }

  /** Whether calls carry a token. */
  public boolean hasToken() {
    return token != null;
  }

  /** Whether the channel speaks TLS. */
  public boolean tls() {
    return tls;
  }

  /**
   * Opens a channel to admin-api that carries the token on every call. It connects lazily, on
   * the first call.
   *
   * @param address admin-api's gRPC address, with a port; with TLS, its certificate must name
   *     this host
   */
  public ManagedChannel open(HostAndPort address) {
    ManagedChannelBuilder<?> builder =
        Grpc.newChannelBuilderForAddress(address.getHost(), address.getPort(), channel);
    if (token != null) {
      builder.intercept(BearerToken.attach(token));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return (tls ? "TLS" : "plaintext") + (token == null ? ", no token" : ", token");
  }
}
