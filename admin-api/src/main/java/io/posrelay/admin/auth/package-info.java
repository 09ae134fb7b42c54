/**
 * Operator authentication of the admin gRPC API: the accepted operator tokens ({@link
 * io.posrelay.admin.auth.OperatorTokens}, read from a file or an environment variable), the server
 * interceptor that checks {@code authorization: Bearer <token>} on every call but health ({@link
 * io.posrelay.admin.auth.OperatorAuthInterceptor}), and the client side that sends it ({@link
 * io.posrelay.admin.v1.auth.BearerToken}) — used by admin-api's peer fan-out and by relayctl.
 */
@NullMarked
package io.posrelay.admin.auth;

import org.jspecify.annotations.NullMarked;
