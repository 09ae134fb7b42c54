package io.posrelay.relay.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.relay.delivery.RecoveryRefusedException;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

/** The ledger client against an in-process DeliveryAdmin. */
class GrpcUndeliveredResultsTest {
  private final List<ListDeliveriesRequest> requests = new CopyOnWriteArrayList<>();
  private volatile int pages = 3;
  private volatile Status failWith = Status.OK;
  private Server server;
  private GrpcUndeliveredResults client;

  private final DeliveryAdminGrpc.DeliveryAdminImplBase ledger =
      new DeliveryAdminGrpc.DeliveryAdminImplBase() {
        @Override
        public void listDeliveries(ListDeliveriesRequest request,
            StreamObserver<ListDeliveriesResponse> response) {
          requests.add(request);
          if (!failWith.isOk()) {
            response.onError(failWith.asRuntimeException());
            return;
          }
          int page = request.getPageToken().isEmpty() ? 1 : Integer.parseInt(
              request.getPageToken());
          response.onNext(ListDeliveriesResponse.newBuilder()
              .addDeliveries(Delivery.newBuilder().setResultId("r-" + page))
              .setNextPageToken(page < pages ? Integer.toString(page + 1) : "")
              .build());
          response.onCompleted();
        }
      };

  private void start(int maxPages) throws Exception {
    start(maxPages, null);
  }

  private void start(int maxPages, io.grpc.@Nullable ClientInterceptor meters) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(ledger).build()
        .start();
    InProcessChannelBuilder channel = InProcessChannelBuilder.forName(name).directExecutor();
    if (meters != null) {
      channel.intercept(meters);
    }
    client = new GrpcUndeliveredResults(channel.build(), Duration.ofSeconds(5), maxPages);
  }

  @Test
  void recoveryAsks_areCountedAndTimedByStatus_onTheRelaysRegistry() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    start(5, new RelayMeters(registry).recoveryClientInterceptor());
    String listDeliveries = "method=\"ListDeliveries\",method_type=\"UNARY\","
        + "service=\"posrelay.admin.v1.DeliveryAdmin\"";
    assertThat(registry.scrape()).contains(
        "grpc_client_processing_duration_seconds_count{" + listDeliveries + ",status_code=\"OK\"} 0");

    assertThat(client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS)).hasSize(3);
    failWith = Status.UNAVAILABLE.withDescription("ledger restoring");
    assertThatThrownBy(() -> client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);

    assertThat(registry.scrape())
        .contains("grpc_client_processing_duration_seconds_count{" + listDeliveries
            + ",status_code=\"OK\"} 3")
        .contains("grpc_client_processing_duration_seconds_count{" + listDeliveries
            + ",status_code=\"UNAVAILABLE\"} 1");
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void fetch_asksForTheTerminalsFailedAndPendingDeliveries_andReadsEveryPage() throws Exception {
    start(20);

    List<Delivery> found = client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(found).extracting(Delivery::getResultId).containsExactly("r-1", "r-2", "r-3");
    assertThat(requests).hasSize(3).allSatisfy(r -> {
      assertThat(r.getTerminalId()).isEqualTo("T-1");
      assertThat(r.getStatusesList()).containsExactlyInAnyOrder(
          DeliveryStatus.DELIVERY_STATUS_FAILED, DeliveryStatus.DELIVERY_STATUS_PENDING);
      assertThat(r.getPageSize()).isEqualTo(GrpcUndeliveredResults.PAGE_SIZE);
    });
    assertThat(requests).extracting(ListDeliveriesRequest::getPageToken)
        .containsExactly("", "2", "3");
  }

  @Test
  void fetch_stopsAtMaxPages() throws Exception {
    pages = 100;
    start(2);

    List<Delivery> found = client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(found).extracting(Delivery::getResultId).containsExactly("r-1", "r-2");
  }

  @Test
  void errorStatus_completesExceptionally() throws Exception {
    failWith = Status.UNAVAILABLE.withDescription("ledger restoring");
    start(20);

    assertThatThrownBy(() -> client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void busyOrResetStatuses_areRetriable_otherStatusesRefuseForGood() throws Exception {
    failWith = Status.INVALID_ARGUMENT.withDescription("bad terminal_id");
    start(20);

    assertThatThrownBy(() -> client.fetch("T-1").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RecoveryRefusedException.class)
        .hasRootCauseInstanceOf(StatusRuntimeException.class)
        .hasStackTraceContaining("INVALID_ARGUMENT");
    assertThat(List.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.UNAVAILABLE,
        Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL))
        .allMatch(GrpcUndeliveredResults::isRetriable);
    assertThat(List.of(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED,
        Status.Code.UNIMPLEMENTED, Status.Code.NOT_FOUND))
        .noneMatch(GrpcUndeliveredResults::isRetriable);
  }
}
