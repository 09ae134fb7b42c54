package io.posrelay.admin.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.grpc.AdminServices;
import io.posrelay.admin.grpc.DeliveryAdminService;
import io.posrelay.admin.grpc.GrpcListener;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.kafka.Topics;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;

/** admin-api's own meters as Prometheus scrapes them. */
class AdminMetersTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AdminMeters meters = new AdminMeters(registry);

  private static DeliveryEvent event(DeliveryStatus from, DeliveryStatus to,
      FailureReason reason) {
    return DeliveryEvent.newBuilder().setResultId("r-1").setTerminalId("T0001").setFrom(from)
        .setTo(to).setReason(reason).build();
  }

  @Test
  void transitions_areMonotonicCounters_byStatusReachedAndReason_presentAtZeroFromTheStart() {
    assertThat(registry.scrape())
        .contains("posrelay_ledger_transitions_total{reason=\"unclaimed\",to=\"failed\"} 0.0")
        .contains("posrelay_ledger_transitions_total{reason=\"unclaimed\",to=\"expired\"} 0.0")
        .contains("posrelay_ledger_transitions_total{reason=\"none\",to=\"delivered\"} 0.0")
        .contains("posrelay_ledger_claims_duplicate_total 0.0");

    meters.transition(event(DeliveryStatus.DELIVERY_STATUS_PENDING,
        DeliveryStatus.DELIVERY_STATUS_FAILED, FailureReason.FAILURE_REASON_UNCLAIMED));
    meters.transition(event(DeliveryStatus.DELIVERY_STATUS_FAILED,
        DeliveryStatus.DELIVERY_STATUS_DELIVERED, FailureReason.FAILURE_REASON_UNSPECIFIED));
    meters.transition(event(DeliveryStatus.DELIVERY_STATUS_PENDING,
        DeliveryStatus.DELIVERY_STATUS_DELIVERED, FailureReason.FAILURE_REASON_UNSPECIFIED));
    meters.duplicateClaims(1);

    assertThat(registry.scrape())
        .contains("posrelay_ledger_transitions_total{reason=\"unclaimed\",to=\"failed\"} 1.0")
        .contains("posrelay_ledger_transitions_total{reason=\"none\",to=\"delivered\"} 2.0")
        .contains("posrelay_ledger_claims_duplicate_total 1.0")
        .doesNotContain("T0001").doesNotContain("r-1");
  }

  @Test
  void grpcCalls_areCountedAndTimedByMethodAndStatus_includingThoseAuthRefuses()
      throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    HealthStatusManager health = new HealthStatusManager();
    AdminServices.setServing(health, true);
    DeliveryAdminService service = new DeliveryAdminService(
        new LedgerQueries(List::of, terminalId -> -1), Peers.NONE,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    Server server = GrpcListener.build(new InetSocketAddress("127.0.0.1", 0),
        InsecureServerCredentials.create(), executor, service, health,
        new OperatorAuthInterceptor(RotatingSecrets.of(RotatingSecrets.Rule.BEARER_TOKEN,
            "admin-meters-test-token-0123456789abcdef"), false, new SimpleMeterRegistry()),
        meters.grpcServerInterceptor(DeliveryAdminGrpc.getServiceDescriptor(),
            HealthGrpc.getServiceDescriptor())).start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      assertThat(registry.scrape()).contains("grpc_server_processing_duration_seconds_count{"
          + "method=\"ListDeliveries\",method_type=\"UNARY\","
          + "service=\"posrelay.admin.v1.DeliveryAdmin\",status_code=\"OK\"} 0");

      HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance());
      assertThatThrownBy(() -> DeliveryAdminGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS).getStats(GetStatsRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
              e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

      // The server records a call when it closes it, which may come just after the client has
      // its status: wait for the record, not for the client.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(registry.scrape())
          .contains("grpc_server_processing_duration_seconds_count{method=\"Check\","
              + "method_type=\"UNARY\",service=\"grpc.health.v1.Health\",status_code=\"OK\"} 1")
          .contains("grpc_server_processing_duration_seconds_count{method=\"GetStats\","
              + "method_type=\"UNARY\",service=\"posrelay.admin.v1.DeliveryAdmin\","
              + "status_code=\"UNAUTHENTICATED\"} 1")
          .contains("grpc_server_processing_duration_seconds_bucket{method=\"Check\","
              + "method_type=\"UNARY\",service=\"grpc.health.v1.Health\",status_code=\"OK\","
              + "le=\"3.0\"} 1"));
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
    }
  }
}
