package io.posrelay.relay.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The inquiry client against an in-process DeliveryAdmin, and against nothing at all. */
class GrpcLedgerLookupTest {
  private final List<Object> requests = new CopyOnWriteArrayList<>();
  private volatile boolean silent;
  private Server server;
  private ManagedChannel channel;

  private final DeliveryAdminGrpc.DeliveryAdminImplBase ledger =
      new DeliveryAdminGrpc.DeliveryAdminImplBase() {
        @Override
        public void getDelivery(GetDeliveryRequest request, StreamObserver<Delivery> response) {
          requests.add(request);
          if (silent) {
            return; // never answers: the deadline must end the call
          }
          if (request.getResultId().equals("r-1")) {
            response.onNext(Delivery.newBuilder().setResultId("r-1").setTerminalId("T-1")
                .build());
            response.onCompleted();
          } else {
            response.onError(Status.NOT_FOUND.withDescription("no delivery").asRuntimeException());
          }
        }

        @Override
        public void listDeliveries(ListDeliveriesRequest request,
            StreamObserver<ListDeliveriesResponse> response) {
          requests.add(request);
          response.onNext(ListDeliveriesResponse.newBuilder()
              .addDeliveries(Delivery.newBuilder().setResultId("r-2"))
              .addDeliveries(Delivery.newBuilder().setResultId("r-1"))
              .setNextPageToken("more").build());
          response.onCompleted();
        }
      };

  private GrpcLedgerLookup start(Duration deadline) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).addService(ledger).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return new GrpcLedgerLookup(channel, "", deadline);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void getDelivery_answersTheDelivery_andNotFoundIsEmpty() throws Exception {
    GrpcLedgerLookup lookup = start(Duration.ofSeconds(5));
    assertThat(lookup.delivery("r-1").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .map(Delivery::getTerminalId).contains("T-1");
    assertThat(lookup.delivery("r-9").toCompletableFuture().get(5, TimeUnit.SECONDS))
        .isEqualTo(Optional.empty());
  }

  @Test
  void newest_asksOnePageOfTheTerminal_withTheLimitAsPageSize() throws Exception {
    GrpcLedgerLookup lookup = start(Duration.ofSeconds(5));
    assertThat(lookup.newest("T-1", 7).toCompletableFuture().get(5, TimeUnit.SECONDS))
        .extracting(Delivery::getResultId).containsExactly("r-2", "r-1");
    assertThat(requests).containsExactly(ListDeliveriesRequest.newBuilder()
        .setTerminalId("T-1").setPageSize(7).build());
  }

  @Test
  void aLedgerThatDoesNotAnswer_failsTheInquiryAtItsDeadline() throws Exception {
    GrpcLedgerLookup lookup = start(Duration.ofMillis(300));
    silent = true;
    long start = System.nanoTime();
    assertThatThrownBy(() -> lookup.delivery("r-1").toCompletableFuture().get(5,
        TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("DEADLINE_EXCEEDED");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void noAdminApiListening_failsTheInquiryWithUnavailable_fast() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    channel = NettyChannelBuilder.forTarget("127.0.0.1:" + port).usePlaintext().build();
    GrpcLedgerLookup lookup = new GrpcLedgerLookup(channel, "", Duration.ofSeconds(2));
    assertThatThrownBy(() -> lookup.delivery("r-1").toCompletableFuture().get(5,
        TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("UNAVAILABLE");
  }
}
