package io.posrelay.admin.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.ResultRepublisher;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminServicesTest {
  private final HealthStatusManager health = new HealthStatusManager();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    DeliveryAdminService service =
        new DeliveryAdminService(
            new LedgerQueries(List::of, terminalId -> -1),
            Peers.NONE,
            new ResultRepublisher(new MockProducer<>(), Topics.RESULTS),
            new EventFanout(10, 10),
            Clock.systemUTC());
    String name = InProcessServerBuilder.generateName();
    AdminServices.setServing(health, false);
    server =
        AdminServices.addTo(InProcessServerBuilder.forName(name).directExecutor(), service, health)
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void health_isNotServingUntilToldThenServingForServerAndDeliveryAdmin() {
    HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
    assertThat(status(stub, "")).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(status(stub, AdminServices.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);

    AdminServices.setServing(health, true);

    assertThat(status(stub, "")).isEqualTo(ServingStatus.SERVING);
    assertThat(status(stub, "posrelay.admin.v1.DeliveryAdmin")).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void reflectionV1_listsTheServices() throws Exception {
    CompletableFuture<io.grpc.reflection.v1.ServerReflectionResponse> response =
        new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1.ServerReflectionRequest> requests =
        io.grpc.reflection.v1.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(observer(response));
    requests.onNext(
        io.grpc.reflection.v1.ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();

    List<String> names =
        response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(io.grpc.reflection.v1.ServiceResponse::getName)
            .toList();
    assertThat(names)
        .contains(
            "posrelay.admin.v1.DeliveryAdmin",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection");
  }

  @Test
  void reflectionV1alpha_listsTheServices() throws Exception {
    CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> response =
        new CompletableFuture<>();
    StreamObserver<io.grpc.reflection.v1alpha.ServerReflectionRequest> requests =
        io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(observer(response));
    requests.onNext(
        io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
            .setListServices("*")
            .build());
    requests.onCompleted();

    assertThat(
            response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(io.grpc.reflection.v1alpha.ServiceResponse::getName))
        .contains("posrelay.admin.v1.DeliveryAdmin");
  }

  private static ServingStatus status(HealthGrpc.HealthBlockingStub stub, String service) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build())
        .getStatus();
  }

  private static <T> StreamObserver<T> observer(CompletableFuture<T> first) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        first.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        first.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        first.completeExceptionally(new IllegalStateException("no response"));
      }
    };
  }
}
