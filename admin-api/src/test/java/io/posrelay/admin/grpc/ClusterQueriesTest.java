package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.v1.DeliveryClaim;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two admin-api "instances", each over its own ledger partition, each seeing the other as a peer:
 * every query to either gives the answer of the whole ledger.
 */
class ClusterQueriesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;
  private LedgerDriver partitionA;
  private LedgerDriver partitionB;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Peers> peers = new ArrayList<>();
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub instanceA;
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub instanceB;

  @BeforeEach
  void setUp() throws Exception {
    partitionA = new LedgerDriver(stateDir.resolve("a"), T0);
    partitionB = new LedgerDriver(stateDir.resolve("b"), T0);
    String a = InProcessServerBuilder.generateName();
    String b = InProcessServerBuilder.generateName();
    instanceA = start(a, partitionA, () -> List.of(b));
    instanceB = start(b, partitionB, () -> List.of(a));
  }

  private DeliveryAdminGrpc.DeliveryAdminBlockingStub start(
      String name, LedgerDriver ledger, Supplier<List<String>> others)
      throws Exception {
    Peers p = new Peers(others, target -> InProcessChannelBuilder.forName(target).build());
    peers.add(p);
    DeliveryAdminService service = new DeliveryAdminService(ledger.queries, p,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    servers.add(AdminServices.addTo(InProcessServerBuilder.forName(name), service,
        new HealthStatusManager()).build().start());
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    channels.add(channel);
    return DeliveryAdminGrpc.newBlockingStub(channel).withInterceptors(new PerCallDeadline(10));
  }

  @AfterEach
  void tearDown() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    peers.forEach(Peers::close);
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    partitionA.close();
    partitionB.close();
  }

  @Test
  void getDelivery_findsARecordThatAPeerHolds() {
    partitionB.result(result("b1", "TB", T0));

    Delivery d = instanceA.getDelivery(GetDeliveryRequest.newBuilder().setResultId("b1").build());

    assertThat(d.getTerminalId()).isEqualTo("TB");
    assertThatThrownBy(() -> instanceA.getDelivery(
        GetDeliveryRequest.newBuilder().setResultId("nope").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void listDeliveries_mergesBothInstancesNewestFirst_identicallyFromEither_acrossPages() {
    for (int i = 0; i < 40; i++) {
      LedgerDriver ledger = i % 3 == 0 ? partitionB : partitionA;
      ledger.result(result("r" + i, i % 3 == 0 ? "TB" : "TA", T0.plusMillis(i * 7L % 50)));
    }
    partitionA.claim(claim("r1", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));

    List<String> viaA = walk(instanceA, 7);
    List<String> viaB = walk(instanceB, 7);

    assertThat(viaA).hasSize(40).doesNotHaveDuplicates().isEqualTo(viaB);
    assertThat(walk(instanceA, 1000)).isEqualTo(viaA);
  }

  @Test
  void getStats_sumsBothInstances() {
    partitionA.result(result("a1", "TA", T0));
    partitionB.result(result("b1", "TB", T0));
    partitionB.claim(claim("b1", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));

    assertThat(instanceA.getStats(GetStatsRequest.getDefaultInstance()).getTotal()).isEqualTo(2);
    assertThat(instanceB.getStats(GetStatsRequest.getDefaultInstance()).getStatusCountsList())
        .isEqualTo(instanceA.getStats(GetStatsRequest.getDefaultInstance()).getStatusCountsList())
        .hasSize(2);
  }

  @Test
  void aPeerThatCannotAnswer_makesTheQueryUnavailable_notPartial() throws Exception {
    partitionA.result(result("a1", "TA", T0));
    servers.get(1).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);

    assertThatThrownBy(() -> instanceA.listDeliveries(ListDeliveriesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  private static List<String> walk(DeliveryAdminGrpc.DeliveryAdminBlockingStub stub, int size) {
    List<String> ids = new ArrayList<>();
    ListDeliveriesRequest request = ListDeliveriesRequest.newBuilder()
        .addStatuses(DeliveryStatus.DELIVERY_STATUS_PENDING)
        .addStatuses(DeliveryStatus.DELIVERY_STATUS_DELIVERED)
        .setPageSize(size).build();
    for (int page = 0; page < 100; page++) {
      ListDeliveriesResponse response = stub.listDeliveries(request);
      response.getDeliveriesList().forEach(d -> ids.add(d.getResultId()));
      if (response.getNextPageToken().isEmpty()) {
        return ids;
      }
      request = request.toBuilder().setPageToken(response.getNextPageToken()).build();
    }
    throw new AssertionError("more than 100 pages");
  }
}
