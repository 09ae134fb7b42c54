package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_EXPIRED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.LedgerTopology;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.ledger.ReversalPolicy;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.admin.v1.StatusCount;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeliveryAdmin over a ledger that decides reversals: lookups by transaction and order id, the
 * REVERSAL_REQUIRED status filter, RetryDelivery's refusal of decided results and EXPIRED
 * approvals, and the reversal and conflict counts of GetStats.
 */
class ReversalLookupsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String TX = "ILK-20260101-000123";
  private static final String ID = IlkResultIds.resultIdOf(TX);

  @TempDir Path stateDir;
  private LedgerDriver ledger;
  private final MockProducer<String, PaymentResult> producer = new MockProducer<>(true, null,
      new StringSerializer(), EventSerdes.paymentResult().serializer());
  private Server server;
  private ManagedChannel channel;
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    ReversalPolicy policy = new ReversalPolicy(Set.of("0000"), DEADLINE, Map.of());
    ledger = new LedgerDriver(stateDir, T0, policy);
    String name = InProcessServerBuilder.generateName();
    DeliveryAdminService service = new DeliveryAdminService(ledger.queries, Peers.NONE,
        new ResultRepublisher(producer, "posrelay.results"), new EventFanout(10, 10),
        Clock.fixed(T0.plusSeconds(90), ZoneOffset.UTC), policy);
    server = AdminServices.addTo(InProcessServerBuilder.forName(name).directExecutor(), service,
        new HealthStatusManager()).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = DeliveryAdminGrpc.newBlockingStub(channel).withInterceptors(new PerCallDeadline(10));
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    ledger.close();
  }

  @Test
  void getDelivery_byTransactionId_findsIt_andNeedsExactlyOneId() {
    ledger.result(result(ID, "T1", T0).toBuilder().setTransactionId(TX).build());

    assertThat(stub.getDelivery(GetDeliveryRequest.newBuilder().setTransactionId(TX).build())
        .getResultId()).isEqualTo(ID);
    assertThat(stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId(ID).build())
        .getPaymentResult().getTransactionId()).isEqualTo(TX);
    assertStatus(() -> stub.getDelivery(GetDeliveryRequest.newBuilder().setTransactionId("nope")
        .build()), Status.Code.NOT_FOUND, "no delivery with transaction_id nope");
    assertStatus(() -> stub.getDelivery(GetDeliveryRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT, "result_id: empty, and so is transaction_id (expected: exactly one of result_id and"
            + " transaction_id)");
    assertStatus(() -> stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId(ID)
        .setTransactionId(TX).build()), Status.Code.INVALID_ARGUMENT,
        "result_id: given with transaction_id (expected: exactly one");
    assertStatus(() -> stub.getDelivery(GetDeliveryRequest.newBuilder()
        .setTransactionId("x".repeat(65)).build()), Status.Code.INVALID_ARGUMENT,
        "transaction_id: ");
  }

  @Test
  void listDeliveries_filtersByTransactionOrderAndReversalRequired() {
    ledger.result(result(ID, "T1", T0).toBuilder().setTransactionId(TX).setOrderId("ORD-1")
        .build());
    ledger.result(result("declined", "T1", T0.plusSeconds(1)).toBuilder().setResultCode("5100")
        .setOrderId("ORD-2").build());
    advanceTo(T0.plus(DEADLINE).plusSeconds(1));

    assertThat(ids(ListDeliveriesRequest.newBuilder().setTransactionId(TX).build()))
        .containsExactly(ID);
    assertThat(ids(ListDeliveriesRequest.newBuilder().setTransactionId(TX)
        .addStatuses(DELIVERY_STATUS_FAILED).build())).isEmpty();
    assertThat(ids(ListDeliveriesRequest.newBuilder().setOrderId("ORD-2").build()))
        .containsExactly("declined");
    assertThat(ids(ListDeliveriesRequest.newBuilder()
        .addStatuses(DELIVERY_STATUS_REVERSAL_REQUIRED).build())).containsExactly(ID);
    // What a relay's recovery asks for the terminal: the decided approval is not among them.
    assertThat(ids(ListDeliveriesRequest.newBuilder().setTerminalId("T1")
        .addStatuses(DELIVERY_STATUS_FAILED).addStatuses(DELIVERY_STATUS_PENDING).build()))
        .containsExactly("declined");
    assertStatus(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setOrderId("bad\norder").build()), Status.Code.INVALID_ARGUMENT, "order_id: ");
  }

  @Test
  void retryDelivery_ofReversalRequired_isFailedPreconditionNamingTheState() {
    ledger.result(result(ID, "T1", T0).toBuilder().setTransactionId(TX).build());
    advanceTo(T0.plus(DEADLINE).plusSeconds(1));
    assertThat(ledger.get(ID).getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);

    assertStatus(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId(ID)
        .build()), Status.Code.FAILED_PRECONDITION, "result_id " + ID
        + " is DELIVERY_STATUS_REVERSAL_REQUIRED: it must be reversed, never delivered again");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void retryDelivery_ofAnExpiredApproval_isFailedPrecondition_ofAnExpiredDecline_isDone() {
    ledger.result(result("approved", "T1", T0));
    ledger.claim(claim("approved", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));
    ledger.result(result("declined", "T1", T0).toBuilder().setResultCode("5100").build());
    advanceTo(T0.plus(DEADLINE));
    ledger.advance(LedgerDriver.RETENTION.plusSeconds(1));
    ledger.advance(LedgerTopology.PUNCTUATE_INTERVAL);
    assertThat(ledger.get("approved").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);
    assertThat(ledger.get("declined").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);

    assertStatus(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder()
        .setResultId("approved").build()), Status.Code.FAILED_PRECONDITION,
        "result_id approved is DELIVERY_STATUS_EXPIRED and an approval");
    assertThat(stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId("declined")
        .build()).getResultId()).isEqualTo("declined");
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void getStats_countsReversalsRequiredAndConflicts() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T2", T0));
    ledger.claim(claim("b", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_CLAIMED));
    advanceTo(T0.plus(DEADLINE).plusSeconds(1));
    ledger.claim(claim("b", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED)); // late

    GetStatsResponse stats = stub.getStats(GetStatsRequest.getDefaultInstance());

    assertThat(stats.getReversalsRequired()).isEqualTo(2);
    assertThat(stats.getConflicts()).isEqualTo(1);
    assertThat(stats.getStatusCountsList()).extracting(StatusCount::getStatus,
        StatusCount::getCount).containsExactly(
        tuple(DELIVERY_STATUS_REVERSAL_REQUIRED, 2L));
    assertThat(stats.getTotal()).isEqualTo(2);
    Delivery b = stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("b").build());
    assertThat(b.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(b.getConflict().getNodeId()).isEqualTo("relay-1");
  }

  private void advanceTo(Instant at) {
    while (ledger.now().isBefore(at)) {
      ledger.advance(LedgerTopology.PUNCTUATE_INTERVAL);
    }
  }

  private List<String> ids(ListDeliveriesRequest request) {
    return stub.listDeliveries(request).getDeliveriesList().stream()
        .map(Delivery::getResultId).toList();
  }

  private static void assertStatus(Runnable call, Status.Code code, String descriptionPrefix) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(code);
          assertThat(e.getStatus().getDescription()).startsWith(descriptionPrefix);
        });
  }
}
