package io.posrelay.admin.v1.auth;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The gRPC request header that carries an operator token: {@code authorization: Bearer <token>}
 * (RFC 6750 §2.1; the scheme is case-insensitive). Thread-safe and stateless.
 */
public final class BearerToken {
  /** The {@code authorization} request header. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private static final String SCHEME = "bearer ";

  private BearerToken() {}

  /**
   * A client interceptor that adds {@code authorization: Bearer <token>} to every call.
   *
   * @param token the operator token, visible ASCII
   */
  public static ClientInterceptor attach(String token) {
    return MetadataUtils.newAttachHeadersInterceptor(headers(token));
  }

  /** Headers holding {@code authorization: Bearer <token>}. */
  public static Metadata headers(String token) {
    Metadata headers = new Metadata();
    headers.put(AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  /**
   * The token of an {@code authorization} header value.
   *
   * @return the token, or null if the value is not {@code Bearer <token>} with a non-empty token
   */
  public static @Nullable String parse(String authorization) {
    if (authorization.length() <= SCHEME.length()
        || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
      return null;
    }
    String token = authorization.substring(SCHEME.length()).strip();
    return token.isEmpty() ? null : token;
  }
}
