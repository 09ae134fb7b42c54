package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Timestamp;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.LedgerUnavailableException;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.admin.v1.StatusCount;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeliveryAdminServiceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** The configured results topic (topic.results), not the default name. */
  private static final String RESULTS_TOPIC = "acme.results";

  @TempDir Path stateDir;
  private LedgerDriver ledger;
  private final MockProducer<String, PaymentResult> producer =
      new MockProducer<>(true, null, new StringSerializer(), EventSerdes.paymentResult().serializer());
  private Server server;
  private ManagedChannel channel;
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub stub;

  @BeforeEach
  void setUp() throws Exception {
    ledger = new LedgerDriver(stateDir, T0);
    start(ledger.queries);
  }

  private void start(LedgerQueries queries) throws Exception {
    String name = InProcessServerBuilder.generateName();
    DeliveryAdminService service = new DeliveryAdminService(queries, Peers.NONE,
        new ResultRepublisher(producer, RESULTS_TOPIC), new EventFanout(10, 10),
        Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
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
  void listDeliveries_isNewestFirstAndFiltersByStatusTerminalMerchantAndTime() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T2", T0.plusSeconds(1)).toBuilder().setMerchantId("M2").build());
    ledger.result(result("c", "T1", T0.plusSeconds(2)));
    ledger.claim(claim("c", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));

    assertThat(ids(ListDeliveriesRequest.getDefaultInstance())).containsExactly("c", "b", "a");
    assertThat(ids(ListDeliveriesRequest.newBuilder().addStatuses(DELIVERY_STATUS_PENDING).build()))
        .containsExactly("b", "a");
    assertThat(ids(ListDeliveriesRequest.newBuilder().setTerminalId("T1").build()))
        .containsExactly("c", "a");
    assertThat(ids(ListDeliveriesRequest.newBuilder().setMerchantId("M2").build()))
        .containsExactly("b");
    assertThat(ids(ListDeliveriesRequest.newBuilder().setTerminalId("T1")
        .addStatuses(DELIVERY_STATUS_DELIVERED).build())).containsExactly("c");
    assertThat(ids(ListDeliveriesRequest.newBuilder()
        .setReceivedAfter(ts(T0.plusSeconds(1))).setReceivedBefore(ts(T0.plusSeconds(2))).build()))
        .containsExactly("b");
  }

  @Test
  void pagination_returnsEveryRecordExactlyOnce_whileRecordsArriveAndChangeStatus() {
    Random random = new Random(42);
    for (int round = 0; round < 5; round++) {
      Set<String> before = new HashSet<>();
      int n = 20 + random.nextInt(150);
      for (int i = 0; i < n; i++) {
        String id = "r" + round + "-" + i;
        ledger.result(result(id, "T" + random.nextInt(5), T0.plusMillis(random.nextInt(50))));
        before.add(id);
      }
      int pageSize = 1 + random.nextInt(25);
      List<String> seen = new ArrayList<>();
      String token = "";
      int page = 0;
      do {
        ListDeliveriesResponse response = stub.listDeliveries(ListDeliveriesRequest.newBuilder()
            .setPageSize(pageSize).setPageToken(token).build());
        response.getDeliveriesList().forEach(d -> seen.add(d.getResultId()));
        token = response.getNextPageToken();
        // meanwhile: newer records arrive, and some older ones change status
        ledger.result(result("new" + round + "-" + page, "T1", T0.plusSeconds(60 + page)));
        ledger.claim(claim("r" + round + "-" + random.nextInt(n), "relay-1", "s1",
            DeliveryClaim.Outcome.OUTCOME_CLAIMED));
        page++;
      } while (!token.isEmpty());

      assertThat(seen).doesNotHaveDuplicates().containsAll(before);
    }
  }

  @Test
  void pageSize_zeroMeansFiftyAndIsCappedAtOneThousand() {
    for (int i = 0; i < 1100; i++) {
      ledger.result(result("r" + i, "T1", T0.plusMillis(i)));
    }

    assertThat(stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance()).getDeliveriesCount())
        .isEqualTo(50);
    assertThat(stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageSize(5000).build())
        .getDeliveriesCount()).isEqualTo(1000);
  }

  @Test
  void badRequests_areInvalidArgumentNamingTheField() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T1", T0.plusSeconds(1)));
    String token = stub.listDeliveries(ListDeliveriesRequest.newBuilder().setPageSize(1).build())
        .getNextPageToken();
    assertThat(token).isNotEmpty();

    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .addStatuses(DELIVERY_STATUS_UNSPECIFIED).build()), "statuses");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setTerminalId("bad terminal!").build()), "terminal_id");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setMerchantId("m".repeat(65)).build()), "merchant_id");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setReceivedAfter(ts(T0)).setReceivedBefore(ts(T0)).build()), "received_after");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setReceivedBefore(Timestamp.newBuilder().setSeconds(-1)).build()), "received_before");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setPageSize(-1).build()), "page_size");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setPageToken("%%%").build()), "page_token");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setPageToken(token).setTerminalId("T1").build()), "page_token");
    assertInvalid(() -> stub.getDelivery(GetDeliveryRequest.getDefaultInstance()), "result_id");
    assertInvalid(() -> stub.retryDelivery(RetryDeliveryRequest.getDefaultInstance()), "result_id");
  }

  @Test
  void stringsAndRepeatedFields_areBounded_andEchoedWithoutControlCharacters() {
    assertInvalid(() -> stub.getDelivery(GetDeliveryRequest.newBuilder()
        .setResultId("r".repeat(257)).build()), "result_id");
    assertInvalid(() -> stub.getDelivery(GetDeliveryRequest.newBuilder()
        .setResultId("has space").build()), "result_id");
    assertInvalid(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder()
        .setResultId("line\nbreak").build()), "result_id");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setTerminalId("T".repeat(65)).build()), "terminal_id");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setMerchantId("M\u001b[31m").build()), "merchant_id");
    assertInvalid(() -> stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setPageToken("A".repeat(513)).build()), "page_token");
    ListDeliveriesRequest.Builder manyStatuses = ListDeliveriesRequest.newBuilder();
    for (int i = 0; i < 17; i++) {
      manyStatuses.addStatuses(DELIVERY_STATUS_FAILED);
    }
    assertInvalid(() -> stub.listDeliveries(manyStatuses.build()), "statuses");

    assertThatThrownBy(() -> stub.getDelivery(GetDeliveryRequest.newBuilder()
        .setResultId("evil\r\n\u001b[2Jid").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).startsWith("result_id: 'evil???[2Jid'")
                .doesNotContainPattern("\\p{Cntrl}"));
    assertThat(DeliveryAdminService.echo("x".repeat(200))).hasSize(129).endsWith("…");
  }

  @Test
  void validValuesAtTheLimits_areServed() {
    assertThat(stub.listDeliveries(ListDeliveriesRequest.newBuilder()
        .setTerminalId("T".repeat(64)).setMerchantId("가맹점 M-001 (서울)".repeat(4))
        .addStatuses(DELIVERY_STATUS_FAILED).addStatuses(DELIVERY_STATUS_FAILED)
        .setPageSize(DeliveryAdminService.MAX_PAGE_SIZE).build()).getDeliveriesList()).isEmpty();
    assertCode(() -> stub.getDelivery(GetDeliveryRequest.newBuilder()
        .setResultId("r".repeat(256)).build()), Status.Code.NOT_FOUND);
  }

  @Test
  void getDelivery_returnsTheDeliveryWithItsTimeline_orNotFound() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_CLAIMED));

    Delivery d = stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("a").build());
    assertThat(d.getResultId()).isEqualTo("a");
    assertThat(d.getTimelineList()).extracting(DeliveryStep::getNodeId).containsExactly("", "relay-1");

    assertThatThrownBy(() -> stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("nope")
        .build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
          assertThat(e.getStatus().getDescription()).isEqualTo("no delivery with result_id nope");
        });
  }

  @Test
  void retryDelivery_republishesAFailedResultWithTheNextAttempt() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plusSeconds(1));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

    stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId("a").build());

    assertThat(producer.history()).hasSize(1);
    assertThat(producer.history().get(0).topic()).isEqualTo(RESULTS_TOPIC);
    assertThat(producer.history().get(0).key()).isEqualTo("T1");
    PaymentResult retried = producer.history().get(0).value();
    assertThat(retried.getAttempt()).isEqualTo(2);
    ledger.result(retried);
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(ledger.get("a").getAttempt()).isEqualTo(2);
  }

  @Test
  void retryDelivery_ofADeliveredPendingOrUnknownResult_fails() {
    ledger.result(result("done", "T1", T0));
    ledger.claim(claim("done", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));
    ledger.result(result("waiting", "T1", T0));

    assertCode(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId("done")
        .build()), Status.Code.FAILED_PRECONDITION);
    assertCode(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId("waiting")
        .build()), Status.Code.FAILED_PRECONDITION);
    assertCode(() -> stub.retryDelivery(RetryDeliveryRequest.newBuilder().setResultId("nope")
        .build()), Status.Code.NOT_FOUND);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void getStats_countsByStatusAndReason() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T1", T0.plusSeconds(30)));
    ledger.claim(claim("b", "relay-1", "s1", DeliveryClaim.Outcome.OUTCOME_DELIVERED));

    GetStatsResponse stats = stub.getStats(GetStatsRequest.getDefaultInstance());

    assertThat(stats.getStatusCountsList()).extracting(StatusCount::getStatus, StatusCount::getCount)
        .containsExactlyInAnyOrder(
            tuple(DELIVERY_STATUS_PENDING, 1L),
            tuple(DELIVERY_STATUS_DELIVERED, 1L));
    assertThat(stats.getTotal()).isEqualTo(2);
    assertThat(stats.getOldestPendingAge().getSeconds()).isEqualTo(60);
  }

  @Test
  void whileTheLedgerRestores_callsAreUnavailable() throws Exception {
    tearDownServerOnly();
    start(new LedgerQueries(() -> {
      throw new LedgerUnavailableException("ledger restoring (state REBALANCING)");
    }, terminalId -> -1));

    assertCode(() -> stub.getDelivery(GetDeliveryRequest.newBuilder().setResultId("a").build()),
        Status.Code.UNAVAILABLE);
    assertCode(() -> stub.listDeliveries(ListDeliveriesRequest.getDefaultInstance()),
        Status.Code.UNAVAILABLE);
    assertCode(() -> stub.getStats(GetStatsRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
  }

  private void tearDownServerOnly() throws InterruptedException {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static void assertInvalid(ThrowingCallable call, String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).startsWith(field + ":");
    });
  }

  private static void assertCode(ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }

  private List<String> ids(ListDeliveriesRequest request) {
    return stub.listDeliveries(request).getDeliveriesList().stream().map(Delivery::getResultId)
        .toList();
  }

  private static Timestamp ts(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano())
        .build();
  }
}
