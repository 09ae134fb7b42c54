package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.ledger.DeliveryLedger;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.v1.DeliveryClaim;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeliveryAdminServiceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final DeliveryLedger ledger =
      new DeliveryLedger(
          Clock.systemUTC(),
          Duration.ofSeconds(3),
          Duration.ofSeconds(5),
          10_000,
          new SimpleMeterRegistry());
  private Server server;
  private ManagedChannel channel;
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        AdminServices.addTo(
                InProcessServerBuilder.forName(name).directExecutor(),
                ledger,
                new HealthStatusManager())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = DeliveryAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void listDeliveries_isNewestFirstAndFiltersByStatusAndTerminal() {
    ledger.onResult(result("a", "T1", T0));
    ledger.onResult(result("b", "T2", T0.plusSeconds(1)));
    ledger.onResult(result("c", "T1", T0.plusSeconds(2)));
    ledger.onClaim(claim("c", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));

    assertThat(ids(stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance())))
        .containsExactly("c", "b", "a");
    assertThat(
            ids(stub.listDeliveries(
                ListDeliveriesRequest.newBuilder().addStatuses(DELIVERY_STATUS_PENDING).build())))
        .containsExactly("b", "a");
    assertThat(
            ids(stub.listDeliveries(ListDeliveriesRequest.newBuilder().setTerminalId("T1").build())))
        .containsExactly("c", "a");
    assertThat(
            ids(stub.listDeliveries(
                ListDeliveriesRequest.newBuilder()
                    .setTerminalId("T1")
                    .addStatuses(DELIVERY_STATUS_DELIVERED)
                    .build())))
        .containsExactly("c");
  }

  @Test
  void pagination_walksEveryRecordExactlyOnce_whileRecordsAreAdded() {
    Set<String> before = new HashSet<>();
    for (int i = 0; i < 137; i++) {
      ledger.onResult(result("r" + i, "T" + (i % 7), T0.plusMillis(i / 3)));
      before.add("r" + i);
    }
    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListDeliveriesResponse page =
          stub.listDeliveries(
              ListDeliveriesRequest.newBuilder().setPageSize(10).setPageToken(token).build());
      seen.addAll(ids(page));
      token = page.getNextPageToken();
      ledger.onResult(result("new" + pages, "T1", T0.plusSeconds(60 + pages)));
      pages++;
    } while (!token.isEmpty());

    assertThat(seen).doesNotHaveDuplicates().containsAll(before).hasSize(before.size());
    assertThat(pages).isEqualTo(14);
  }

  @Test
  void pageSize_zeroMeansFiftyAndIsCappedAtOneThousand() {
    for (int i = 0; i < 1100; i++) {
      ledger.onResult(result("r" + i, "T1", T0.plusMillis(i)));
    }

    assertThat(stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance()).getDeliveriesCount())
        .isEqualTo(50);
    assertThat(
            stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageSize(5000).build())
                .getDeliveriesCount())
        .isEqualTo(1000);
  }

  @Test
  void badRequests_areInvalidArgumentNamingTheField() {
    ledger.onResult(result("a", "T1", T0));
    ledger.onResult(result("b", "T1", T0.plusSeconds(1)));
    String token =
        stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageSize(1).build())
            .getNextPageToken();
    assertThat(token).isNotEmpty();

    assertInvalid(
        () ->
            stub.listDeliveries(
                ListDeliveriesRequest.newBuilder().addStatuses(DELIVERY_STATUS_UNSPECIFIED).build()),
        "statuses");
    assertInvalid(
        () ->
            stub.listDeliveries(
                ListDeliveriesRequest.newBuilder().setTerminalId("bad terminal!").build()),
        "terminal_id");
    assertInvalid(
        () -> stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageSize(-1).build()),
        "page_size");
    assertInvalid(
        () ->
            stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageToken("%%%").build()),
        "page_token");
    assertInvalid(
        () ->
            stub.listDeliveries(
                ListDeliveriesRequest.newBuilder()
                    .setPageToken(token)
                    .setTerminalId("T1")
                    .build()),
        "page_token");
    assertInvalid(() -> stub.getDelivery(GetDeliveryRequest.getDefaultInstance()), "result_id");
  }

  @Test
  void getDelivery_returnsTheDeliveryOrNotFound() {
    ledger.onResult(result("a", "T1", T0));

    Delivery d = stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("a").build());
    assertThat(d.getResultId()).isEqualTo("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    assertThatThrownBy(
            () -> stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("nope").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo("no delivery with result_id nope");
            });
  }

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).startsWith(field + ":");
            });
  }

  private static List<String> ids(ListDeliveriesResponse response) {
    return response.getDeliveriesList().stream().map(Delivery::getResultId).toList();
  }
}
