package io.posrelay.admin.grpc;

import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.posrelay.admin.v1.DeliveryAdminGrpc;

/**
 * The gRPC services admin-api serves: {@code posrelay.admin.v1.DeliveryAdmin}, {@code
 * grpc.health.v1.Health} and server reflection in both its v1 and v1alpha versions (grpcurl and
 * {@code buf curl} still try v1alpha), so {@code grpcurl -plaintext host:port list} works without
 * proto files. Operator authentication ({@link io.posrelay.admin.auth.OperatorAuthInterceptor}) is
 * a server-wide interceptor, so a service added later needs the token too.
 */
public final class AdminServices {
  /** The health-checked service name of DeliveryAdmin. */
  public static final String SERVICE_NAME = DeliveryAdminGrpc.SERVICE_NAME;

  private AdminServices() {}

  /**
   * Adds the services to {@code builder}, without operator authentication (in-process tests).
   * Health statuses are left as they are: set them with {@link #setServing} (a new {@link
   * HealthStatusManager} reports "" as SERVING).
   *
   * @return {@code builder}
   */
  public static <T extends ServerBuilder<T>> T addTo(
      T builder, DeliveryAdminService deliveryAdmin, HealthStatusManager health) {
    return services(builder, deliveryAdmin, health);
  }

  /**
   * Adds the services to {@code builder} behind {@code auth}, which sees every call first.
   *
   * @param auth the operator authentication, e.g. an {@link
   *     io.posrelay.admin.auth.OperatorAuthInterceptor}
   * @return {@code builder}
   */
  public static <T extends ServerBuilder<T>> T addTo(T builder, DeliveryAdminService deliveryAdmin,
      HealthStatusManager health, ServerInterceptor auth) {
    return services(builder, deliveryAdmin, health).intercept(auth);
  }

  @SuppressWarnings("deprecation") // v1alpha reflection: kept for older clients on purpose
  private static <T extends ServerBuilder<T>> T services(
      T builder, DeliveryAdminService deliveryAdmin, HealthStatusManager health) {
    return builder
        .addService(ServerInterceptors.intercept(deliveryAdmin, new LocalOnly()))
        .addService(health.getHealthService())
        .addService(ProtoReflectionServiceV1.newInstance())
        .addService(ProtoReflectionService.newInstance());
  }

  /** Reports the server ("") and DeliveryAdmin as SERVING or NOT_SERVING. */
  public static void setServing(HealthStatusManager health, boolean serving) {
    ServingStatus status = serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    health.setStatus(SERVICE_NAME, status);
  }
}
