package io.posrelay.admin.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * The {@code posrelay-local-only: true} request header: "answer from the ledger partitions this
 * instance holds; do not fan out". admin-api instances send it to each other when a query fans
 * out, so a fanned-out query never fans out again. Clients leave it unset.
 */
public final class LocalOnly implements ServerInterceptor {
  /** The header. */
  public static final Metadata.Key<String> HEADER =
      Metadata.Key.of("posrelay-local-only", Metadata.ASCII_STRING_MARSHALLER);

  private static final Context.Key<Boolean> LOCAL_ONLY = Context.keyWithDefault("local-only", false);

  /** Whether the current call asked for a local-only answer. */
  static boolean requested() {
    return LOCAL_ONLY.get();
  }

  /** Headers that ask a peer for a local-only answer. */
  static Metadata headers() {
    Metadata headers = new Metadata();
    headers.put(HEADER, "true");
    return headers;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if ("true".equals(headers.get(HEADER))) {
      return Contexts.interceptCall(
          Context.current().withValue(LOCAL_ONLY, true), call, headers, next);
    }
    return next.startCall(call, headers);
  }
}
