package io.posrelay.relayctl.admin;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.posrelay.admin.v1.auth.BearerToken;

/**
 * admin-api's operator-token check as a client sees it, for {@link FakeDeliveryAdmin}: a call
 * without {@code authorization: Bearer <token>} is UNAUTHENTICATED "missing operator token", one
 * with another token UNAUTHENTICATED "operator token not accepted" (the descriptions admin-api
 * gives). The header format is the contract's own ({@link BearerToken}).
 */
final class FakeTokenCheck implements ServerInterceptor {
  private static final String EXPECTED = " (expected: metadata 'authorization: Bearer <token>'"
      + " with an operator token of this admin-api)";

  private final String token;

  FakeTokenCheck(String token) {
    this.token = token;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String authorization = headers.get(BearerToken.AUTHORIZATION);
    if (authorization == null) {
      return reject(call, "missing operator token" + EXPECTED);
    }
    if (!token.equals(BearerToken.parse(authorization))) {
      return reject(call, "operator token not accepted" + EXPECTED);
    }
    return next.startCall(call, headers);
  }

  private static <Q, R> ServerCall.Listener<Q> reject(ServerCall<Q, R> call, String description) {
    call.close(Status.UNAUTHENTICATED.withDescription(description), new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
