package io.posrelay.relayctl.admin;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.admin.auth.OperatorTokens;
import io.posrelay.admin.tls.GrpcTls;
import io.posrelay.relayctl.HostPort;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How relayctl reaches admin-api: the operator token its calls carry ({@code authorization:
 * Bearer <token>}) and the CA it trusts for TLS. Read once per command from {@code
 * --admin-token-file} or else {@value #TOKEN_ENV}, and {@code --tls-ca-file}. Immutable; {@link
 * #toString()} never shows the token.
 */
public final class AdminCredentials {
  /** The environment variable of the operator token. */
  public static final String TOKEN_ENV = "POSRELAY_ADMIN_TOKEN";
  /** No token, plaintext: what {@code bin/relayctl local} serves. */
  public static final AdminCredentials NONE = new AdminCredentials(null, null);

  private final @Nullable String token;
  private final @Nullable SslContext tls;

  private AdminCredentials(@Nullable String token, @Nullable SslContext tls) {
    this.token = token;
    this.tls = tls;
  }

  /**
   * Reads the credentials.
   *
   * @param tokenFile the operator token file (one token a line; the first is sent); null = none
   * @param tokenEnv the value of {@value #TOKEN_ENV}, used when there is no file; null = none
   * @param caFile PEM CA certificates to trust, which turns TLS on; null = plaintext
   * @throws IllegalArgumentException starting with {@code --admin-token-file}, {@code
   *     POSRELAY_ADMIN_TOKEN} or {@code --tls-ca-file} if that value is not valid; never shows a
   *     token
   */
  public static AdminCredentials read(
      @Nullable Path tokenFile, @Nullable String tokenEnv, @Nullable Path caFile) {
    OperatorTokens tokens =
        OperatorTokens.load(tokenFile, "--admin-token-file", tokenEnv, TOKEN_ENV);
    return new AdminCredentials(tokens.isEmpty() ? null : tokens.current(),
        caFile == null ? null : GrpcTls.client(caFile, "--tls-ca-file"));
  }

  /** Whether calls carry a token. */
  public boolean hasToken() {
    return token != null;
  }

  /** Whether the channel speaks TLS. */
  public boolean tls() {
    return tls != null;
  }

  /**
   * Opens a channel to admin-api that carries the token on every call. It connects lazily, on
   * the first call.
   *
   * @param address admin-api's gRPC address; with TLS, its certificate must name this host
   */
  public ManagedChannel open(HostPort address) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port());
    if (tls == null) {
      builder.usePlaintext();
    } else {
      builder.sslContext(tls);
    }
    if (token != null) {
      builder.intercept(BearerToken.attach(token));
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return (tls == null ? "plaintext" : "TLS") + (token == null ? ", no token" : ", token");
  }
}
