package io.posrelay.admin.auth;

import io.posrelay.admin.metrics.AdminMeters;
import io.posrelay.runtime.log.ThrottledLog;
import io.posrelay.admin.v1.auth.BearerToken;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.util.Set;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a call through only with {@code authorization: Bearer <token>} holding one of the operator
 * tokens ({@link RotatingSecrets#matches}, in constant time); any other call is closed with {@code
 * UNAUTHENTICATED} before its request is read. The description says what was wrong (missing, or
 * not accepted) and never echoes what was sent. Always open: {@code grpc.health.v1.Health} (load
 * balancers and orchestrators probe it without credentials), and server reflection unless {@code
 * reflectionRequiresToken}. Every other service — also one added later — needs the token. With no
 * tokens configured every call passes.
 *
 * <p>Each rejection counts in {@value #FAILURES_METER}{@code {reason=missing|invalid}}; rejections
 * are logged as at most one WARN line a second, with the number left out since the last line.
 * Thread-safe.
 */
public final class OperatorAuthInterceptor implements ServerInterceptor {
  /** Counter: admin calls rejected for want of a valid operator token, tagged {@code reason}. */
  public static final String FAILURES_METER = AdminMeters.AUTH_FAILURES;
  /** Services open without a token, always. */
  static final Set<String> HEALTH = Set.of("grpc.health.v1.Health");
  /** Services open without a token unless reflection requires one. */
  static final Set<String> REFLECTION =
      Set.of("grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

  private static final Logger log = LoggerFactory.getLogger(OperatorAuthInterceptor.class);
  private static final String EXPECTED = " (expected: metadata 'authorization: Bearer <token>'"
      + " with an operator token of this admin-api)";

  private final @Nullable RotatingSecrets tokens;
  private final boolean reflectionRequiresToken;
  private final Counter missing;
  private final Counter invalid;
  private final LongSupplier nanoTime;
  private final ThrottledLog rejections;

  /**
   * @param tokens the accepted operator tokens (one, or two during a rotation); null = no check:
   *     every call passes
   * @param reflectionRequiresToken whether server reflection needs the token too (default of the
   *     flag: false, so {@code grpcurl list} and {@code buf curl --list-services} work without)
   * @param registry where the failures counter is registered
   */
  public OperatorAuthInterceptor(@Nullable RotatingSecrets tokens,
      boolean reflectionRequiresToken, MeterRegistry registry) {
    this(tokens, reflectionRequiresToken, registry, System::nanoTime);
  }

  OperatorAuthInterceptor(@Nullable RotatingSecrets tokens, boolean reflectionRequiresToken,
      MeterRegistry registry, LongSupplier nanoTime) {
    this.tokens = tokens;
    this.reflectionRequiresToken = reflectionRequiresToken;
    this.missing = counter(registry, "missing");
    this.invalid = counter(registry, "invalid");
    this.nanoTime = nanoTime;
    this.rejections = new ThrottledLog(log, Duration.ofSeconds(1), nanoTime);
  }

  private static Counter counter(MeterRegistry registry, String reason) {
    return Counter.builder(FAILURES_METER)
        .description("Admin gRPC calls rejected with UNAUTHENTICATED: the operator token was"
            + " missing or not accepted")
        .tag("reason", reason)
        .register(registry);
  }

  /** Whether calls need a token: false when no token is configured. */
  public boolean enabled() {
    return tokens != null;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    RotatingSecrets accepted = tokens;
    if (accepted == null
        || HEALTH.contains(service)
        || (!reflectionRequiresToken && REFLECTION.contains(service))) {
      return next.startCall(call, headers);
    }
    String authorization = headers.get(BearerToken.AUTHORIZATION);
    if (authorization == null) {
      return reject(call, missing, "missing", "missing operator token" + EXPECTED);
    }
    String token = BearerToken.parse(authorization);
    if (token == null || !accepted.matches(token)) {
      return reject(call, invalid, "invalid", "operator token not accepted" + EXPECTED);
    }
    return next.startCall(call, headers);
  }

  private <Q, R> ServerCall.Listener<Q> reject(
      ServerCall<Q, R> call, Counter counter, String reason, String description) {
    counter.increment();
    logRejection(call, reason);
    call.close(Status.UNAUTHENTICATED.withDescription(description), new Metadata());
    return new ServerCall.Listener<>() {};
  }

  private void logRejection(ServerCall<?, ?> call, String reason) {
    long left = rejections.permit();
    if (left >= 0) {
      log.warn("admin call rejected (UNAUTHENTICATED, token {}): {} from {}; {} more rejected"
              + " since the last line", reason, call.getMethodDescriptor().getFullMethodName(),
          call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR), left);
    }
  }
}
