package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.ledger.TerminalOwner;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fan-out to the other admin-api instances: in parallel with one deadline, so peers that
 * never answer hold a query no longer than that deadline, not one deadline each; and a listing
 * of one terminal goes only to the instance that holds the terminal's partition (calls counted
 * per instance).
 */
@Timeout(120)
class PeerFanOutTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** Twice the 5 s call deadline: room for a busy 2-core machine. */
  private static final Duration BOUND = DeliveryAdminService.CALL_DEADLINE.multipliedBy(2);

  @TempDir Path stateDir;
  private final List<Server> servers = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<Peers> peers = new ArrayList<>();
  private final List<LedgerDriver> ledgers = new ArrayList<>();
  /** DeliveryAdmin calls each instance received, by instance name. */
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  @AfterEach
  void tearDown() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    peers.forEach(Peers::close);
    for (Server s : servers) {
      s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (LedgerDriver l : ledgers) {
      l.close();
    }
  }

  @Test
  void peersThatNeverAnswer_holdAQueryNoLongerThanTheOneDeadline_andMakeItUnavailable()
      throws Exception {
    List<String> stalled = List.of(stalledPeer(), stalledPeer(), stalledPeer());
    LedgerDriver ledger = ledger("a");
    ledger.result(result("a1", "TA", T0));
    String a = instance("a", ledger, () -> stalled, terminalId -> TerminalOwner.UNKNOWN);
    DeliveryAdminGrpc.DeliveryAdminBlockingStub noClientDeadline = client(a);

    for (String method : List.of("ListDeliveries", "GetDelivery", "GetStats")) {
      long start = System.nanoTime();
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> {
        switch (method) {
          case "ListDeliveries" ->
              noClientDeadline.listDeliveries(ListDeliveriesRequest.getDefaultInstance());
          case "GetDelivery" -> noClientDeadline.getDelivery(
              GetDeliveryRequest.newBuilder().setResultId("elsewhere").build());
          default -> noClientDeadline.getStats(GetStatsRequest.getDefaultInstance());
        }
      });
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      System.out.printf("PeerFanOutTest: %s with 3 peers that never answer: %s after %d ms"
          + " (one deadline: %d ms; one after another it would be %d ms)%n", method,
          e.getStatus().getCode(), took.toMillis(),
          DeliveryAdminService.CALL_DEADLINE.toMillis(),
          3 * DeliveryAdminService.CALL_DEADLINE.toMillis());
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription())
          .startsWith("another admin-api instance could not answer: Status{code=DEADLINE_EXCEEDED");
      assertThat(took).isLessThan(BOUND);
    }
    assertThat(calls.get("stalled-1").get()).isEqualTo(3); // each peer was asked each time
  }

  @Test
  void aClientDeadlineShorterThanTheServers_isTheOneTheFanOutUses() throws Exception {
    List<String> stalled = List.of(stalledPeer(), stalledPeer());
    String a = instance("a", ledger("a"), () -> stalled, terminalId -> TerminalOwner.UNKNOWN);

    long start = System.nanoTime();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> client(a).withDeadlineAfter(1, TimeUnit.SECONDS)
            .getStats(GetStatsRequest.getDefaultInstance()));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    // The client's own deadline ends the call; the server's UNAVAILABLE may just beat it.
    assertThat(e.getStatus().getCode())
        .isIn(Status.Code.DEADLINE_EXCEEDED, Status.Code.UNAVAILABLE);
    assertThat(took).isLessThan(DeliveryAdminService.CALL_DEADLINE);
  }

  @Test
  void aListingOfOneTerminal_goesOnlyToTheInstanceThatHoldsIt() throws Exception {
    LedgerDriver ledgerA = ledger("a");
    LedgerDriver ledgerB = ledger("b");
    LedgerDriver ledgerC = ledger("c");
    ledgerA.result(result("a1", "TA", T0));
    ledgerB.result(result("b1", "TB", T0));
    ledgerB.result(result("b2", "TB", T0.plusSeconds(1)));
    ledgerC.result(result("c1", "TC", T0));
    String a = InProcessServerBuilder.generateName();
    String b = InProcessServerBuilder.generateName();
    String c = InProcessServerBuilder.generateName();
    // Every instance knows (from Kafka Streams' metadata) which one holds which terminal.
    Map<String, String> holder = Map.of("TA", a, "TB", b, "TC", c);
    for (String[] self : new String[][] {{a, "a"}, {b, "b"}, {c, "c"}}) {
      LedgerDriver ledger = switch (self[1]) {
        case "a" -> ledgerA;
        case "b" -> ledgerB;
        default -> ledgerC;
      };
      List<String> others = new ArrayList<>(List.of(a, b, c));
      others.remove(self[0]);
      startInstance(self[0], self[1], ledger, () -> others, terminalId -> {
        String at = holder.get(terminalId);
        return at == null ? TerminalOwner.UNKNOWN
            : at.equals(self[0]) ? TerminalOwner.HERE : new TerminalOwner.Peer(at);
      });
    }
    DeliveryAdminGrpc.DeliveryAdminBlockingStub viaA = client(a).withDeadlineAfter(10,
        TimeUnit.SECONDS);
    // What a relay's recovery asks: one terminal's FAILED and PENDING results.
    ListDeliveriesRequest recoveryOfTb = ListDeliveriesRequest.newBuilder().setTerminalId("TB")
        .addStatuses(DeliveryStatus.DELIVERY_STATUS_FAILED)
        .addStatuses(DeliveryStatus.DELIVERY_STATUS_PENDING).build();
    calls.clear();

    ListDeliveriesResponse tb = viaA.listDeliveries(recoveryOfTb);

    assertThat(tb.getDeliveriesList()).extracting(Delivery::getResultId)
        .containsExactly("b2", "b1");
    assertThat(count("a")).as("the instance asked").isEqualTo(1);
    assertThat(count("b")).as("the instance that holds TB").isEqualTo(1);
    assertThat(count("c")).as("an instance that does not hold TB").isZero();

    calls.clear();
    assertThat(viaA.listDeliveries(ListDeliveriesRequest.newBuilder().setTerminalId("TA").build())
        .getDeliveriesList()).extracting(Delivery::getResultId).containsExactly("a1");
    assertThat(count("b") + count("c")).as("no peer asked for a terminal held here").isZero();

    calls.clear();
    ListDeliveriesResponse page = viaA.listDeliveries(
        ListDeliveriesRequest.newBuilder().setTerminalId("TB").setPageSize(1).build());
    assertThat(page.getDeliveriesList()).extracting(Delivery::getResultId).containsExactly("b2");
    assertThat(viaA.listDeliveries(ListDeliveriesRequest.newBuilder().setTerminalId("TB")
            .setPageSize(1).setPageToken(page.getNextPageToken()).build())
        .getDeliveriesList()).extracting(Delivery::getResultId).containsExactly("b1");
    assertThat(count("c")).as("paging one terminal stays on its instance").isZero();

    calls.clear();
    assertThat(viaA.listDeliveries(ListDeliveriesRequest.getDefaultInstance())
        .getDeliveriesList()).hasSize(4);
    assertThat(count("b")).as("a listing of every terminal asks every instance").isEqualTo(1);
    assertThat(count("c")).isEqualTo(1);
  }

  private int count(String instance) {
    AtomicInteger n = calls.get(instance);
    return n == null ? 0 : n.get();
  }

  private LedgerDriver ledger(String name) {
    LedgerDriver ledger = new LedgerDriver(stateDir.resolve(name), T0);
    ledgers.add(ledger);
    return ledger;
  }

  private String instance(String label, LedgerDriver ledger, Supplier<List<String>> others,
      Function<String, TerminalOwner> owners) throws Exception {
    String name = InProcessServerBuilder.generateName();
    startInstance(name, label, ledger, others, owners);
    return name;
  }

  private void startInstance(String name, String label, LedgerDriver ledger,
      Supplier<List<String>> others, Function<String, TerminalOwner> owners) throws Exception {
    Peers p = new Peers(others, owners, target -> InProcessChannelBuilder.forName(target).build(),
        null);
    peers.add(p);
    DeliveryAdminService service = new DeliveryAdminService(ledger.queries, p,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    servers.add(AdminServices.addTo(InProcessServerBuilder.forName(name), service,
        new HealthStatusManager()).intercept(counting(label)).build().start());
  }

  /** An instance that takes every DeliveryAdmin call and never answers. */
  private String stalledPeer() throws Exception {
    String name = InProcessServerBuilder.generateName();
    String label = "stalled-" + (calls.keySet().stream().filter(k -> k.startsWith("stalled"))
        .count() + 1);
    calls.put(label, new AtomicInteger());
    DeliveryAdminGrpc.DeliveryAdminImplBase silent = new DeliveryAdminGrpc.DeliveryAdminImplBase() {
      @Override
      public void listDeliveries(ListDeliveriesRequest request,
          StreamObserver<ListDeliveriesResponse> responseObserver) {}

      @Override
      public void getDelivery(GetDeliveryRequest request,
          StreamObserver<Delivery> responseObserver) {}

      @Override
      public void getStats(GetStatsRequest request,
          StreamObserver<GetStatsResponse> responseObserver) {}
    };
    servers.add(InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(silent, counting(label))).build().start());
    return name;
  }

  private ServerInterceptor counting(String label) {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        if (call.getMethodDescriptor().getServiceName().equals(DeliveryAdminGrpc.SERVICE_NAME)) {
          calls.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
        }
        return next.startCall(call, headers);
      }
    };
  }

  private DeliveryAdminGrpc.DeliveryAdminBlockingStub client(String name) {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    channels.add(channel);
    return DeliveryAdminGrpc.newBlockingStub(channel);
  }
}
