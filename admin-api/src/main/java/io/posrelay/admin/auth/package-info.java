/**
 * Operator authentication of the admin gRPC API: the server interceptor that checks {@code
 * authorization: Bearer <token>} on every call but health ({@link
 * io.posrelay.admin.auth.OperatorAuthInterceptor}) against the operator tokens, which are
 * service-runtime's {@link io.posrelay.runtime.secrets.RotatingSecrets} loaded from {@code
 * operator-token-file} or {@code operator-tokens}. The client side that sends the token is {@link
 * io.posrelay.admin.v1.auth.BearerToken}, used by admin-api's peer fan-out and by relayctl.
 */
@NullMarked
package io.posrelay.admin.auth;

import org.jspecify.annotations.NullMarked;
