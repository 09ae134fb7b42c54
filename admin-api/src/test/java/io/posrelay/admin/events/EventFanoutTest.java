package io.posrelay.admin.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EventFanoutTest {
  private static final int BUFFER = 8;
  private final EventFanout fanout = new EventFanout(BUFFER, 2);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name)
        .addService(new DeliveryAdminGrpc.DeliveryAdminImplBase() {
          @Override
          public void watchDeliveryEvents(
              WatchDeliveryEventsRequest request, StreamObserver<DeliveryEvent> observer) {
            fanout.subscribe(e -> request.getStatusesList().isEmpty()
                    || request.getStatusesList().contains(e.getTo()),
                (ServerCallStreamObserver<DeliveryEvent>) observer);
          }
        })
        .build()
        .start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void subscriber_receivesTheEventsItsFilterAccepts_inOrder() {
    List<DeliveryEvent> received = new CopyOnWriteArrayList<>();
    DeliveryAdminGrpc.newStub(channel).watchDeliveryEvents(
        WatchDeliveryEventsRequest.newBuilder()
            .addStatuses(DeliveryStatus.DELIVERY_STATUS_FAILED).build(),
        collector(received, new CompletableFuture<>()));
    await().atMost(Duration.ofSeconds(5)).until(() -> fanout.subscribers() == 1);

    for (int i = 0; i < 100; i++) {
      fanout.publish(event("r" + i, i % 2 == 0
          ? DeliveryStatus.DELIVERY_STATUS_FAILED : DeliveryStatus.DELIVERY_STATUS_DELIVERED));
      int matched = i / 2 + 1;
      if (i % 8 == 7) { // in bursts smaller than the buffer, as a reader that keeps up sees them
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
            .until(() -> received.size() == matched);
      }
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 50);
    assertThat(received).extracting(DeliveryEvent::getResultId).startsWith("r0", "r2", "r4");
  }

  @Test
  void slowReader_isCutOffWithResourceExhausted_andFastReadersKeepReceiving() {
    CompletableFuture<Throwable> slowEnded = new CompletableFuture<>();
    DeliveryAdminGrpc.newStub(channel).watchDeliveryEvents(
        WatchDeliveryEventsRequest.getDefaultInstance(),
        new ClientResponseObserver<WatchDeliveryEventsRequest, DeliveryEvent>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchDeliveryEventsRequest> call) {
            call.disableAutoRequestWithInitial(1); // reads one event, then never again
          }

          @Override
          public void onNext(DeliveryEvent value) {}

          @Override
          public void onError(Throwable t) {
            slowEnded.complete(t);
          }

          @Override
          public void onCompleted() {
            slowEnded.complete(null);
          }
        });
    List<DeliveryEvent> fast = new CopyOnWriteArrayList<>();
    DeliveryAdminGrpc.newStub(channel).watchDeliveryEvents(
        WatchDeliveryEventsRequest.getDefaultInstance(), collector(fast, new CompletableFuture<>()));
    await().atMost(Duration.ofSeconds(5)).until(() -> fanout.subscribers() == 2);

    for (int i = 0; i < BUFFER * 4; i++) {
      fanout.publish(event("r" + i, DeliveryStatus.DELIVERY_STATUS_FAILED));
      int published = i + 1;
      await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
          .until(() -> fast.size() == published);
    }

    Throwable ended = slowEnded.join();
    assertThat(Status.fromThrowable(ended).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(fanout.subscribers()).isEqualTo(1);
    assertThat(fast).hasSize(BUFFER * 4);
  }

  private static StreamObserver<DeliveryEvent> collector(
      List<DeliveryEvent> into, CompletableFuture<Throwable> ended) {
    return new StreamObserver<>() {
      @Override
      public void onNext(DeliveryEvent value) {
        into.add(value);
      }

      @Override
      public void onError(Throwable t) {
        ended.complete(t);
      }

      @Override
      public void onCompleted() {
        ended.complete(null);
      }
    };
  }

  private static DeliveryEvent event(String resultId, DeliveryStatus to) {
    return DeliveryEvent.newBuilder().setResultId(resultId).setTerminalId("T1").setTo(to).build();
  }
}
