package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.ResultStatus;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.relay.metrics.InquiryMeters;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.pos.PosInquiryException;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Status inquiries through the whole node as RelayServer wires it: testkit's simulated terminal
 * (protocol version 2) asks a real relay node, which asks a fake admin-api over real gRPC on
 * 127.0.0.1; Kafka is replaced by in-memory fakes.
 */
class RelayInquiryTest {
  private static final String TID = "CAT-INQ";
  private static final String TX = "TX-INQ-1";
  private static final PaymentResult RESULT = PaymentResult.newBuilder()
      .setResultId(IlkResultIds.resultIdOf(TX)).setTransactionId(TX).setTerminalId(TID)
      .setResultCode("0000").setAmount(5_000).setCurrency("KRW").setAttempt(1).build();

  private final FakeKafkaClients kafka = new FakeKafkaClients();
  private volatile boolean ledgerDown;
  private Server admin;
  private RelayServer relay;
  private PosSimulator terminals;

  private final DeliveryAdminGrpc.DeliveryAdminImplBase ledger =
      new DeliveryAdminGrpc.DeliveryAdminImplBase() {
        @Override
        public void getDelivery(GetDeliveryRequest request, StreamObserver<Delivery> response) {
          if (ledgerDown) {
            response.onError(Status.UNAVAILABLE.asRuntimeException());
          } else if (request.getResultId().equals(RESULT.getResultId())) {
            response.onNext(Delivery.newBuilder().setResultId(RESULT.getResultId())
                .setTerminalId(TID).setStatus(DeliveryStatus.DELIVERY_STATUS_FAILED)
                .setPaymentResult(RESULT).setAttempt(1).build());
            response.onCompleted();
          } else {
            response.onError(Status.NOT_FOUND.asRuntimeException());
          }
        }

        @Override
        public void listDeliveries(ListDeliveriesRequest request,
            StreamObserver<ListDeliveriesResponse> response) {
          response.onNext(ListDeliveriesResponse.getDefaultInstance()); // recovery finds nothing
          response.onCompleted();
        }
      };

  private void start() throws Exception {
    admin = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ledger).build().start();
    ServiceConfig config = ServiceConfig.builder(RelayKeys.SPEC)
        .set(RelayKeys.NODE_ID, "relay-inq").set(ListenerKeys.HOST, "127.0.0.1")
        .set(RelayKeys.PORT, 0).set(RelayKeys.MANAGEMENT_PORT, 0)
        .set(KafkaKeys.ACK_TIMEOUT, Duration.ofSeconds(30))
        .set(RelayKeys.SHUTDOWN_DRAIN, Duration.ofMillis(200))
        .set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + admin.getPort()).build();
    relay = RelayServer.start(config, kafka);
    terminals = PosSimulator.start(List.of(HostAndPort.fromParts("127.0.0.1", relay.port())),
        List.of(TID), r -> { });
    assertThat(terminals.awaitAllConnected(Duration.ofSeconds(10))).isTrue();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (terminals != null) {
      terminals.close();
    }
    if (relay != null) {
      relay.close();
    }
    if (admin != null) {
      admin.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void simulatedTerminal_asksByTransactionId_andItsAckIsClaimedDelivered() throws Exception {
    start();
    StatusResponse status = terminals.statusRequest(TID,
        StatusRequest.newBuilder().setTransactionId(TX).build()).get(10, TimeUnit.SECONDS);
    assertThat(status.getFound()).isTrue();
    assertThat(status.getStatus()).isEqualTo(ResultStatus.RESULT_STATUS_FAILED);
    assertThat(status.getPaymentResult()).isEqualTo(RESULT);
    assertThat(terminals.statusRequest(TID, StatusRequest.newBuilder().setResultId("nope")
        .build()).get(10, TimeUnit.SECONDS).getFound()).isFalse();

    terminals.ack(TID, RESULT.getResultId());
    await().atMost(Duration.ofSeconds(10)).until(() -> kafka.claims.all().stream().anyMatch(
        c -> c.getResultId().equals(RESULT.getResultId())
            && c.getOutcome() == DeliveryClaim.Outcome.OUTCOME_DELIVERED));
    assertThat(relay.meterRegistry().counter(InquiryMeters.INQUIRIES, "kind", "status",
        "outcome", "found").count()).isEqualTo(1);
    assertThat(relay.meterRegistry().counter(InquiryMeters.INQUIRY_ACKS).count()).isEqualTo(1);
    assertThat(relay.meterRegistry().get("grpc.client.processing.duration")
        .tag("method", "GetDelivery").timers()).as("the recovery client meters, by status")
        .extracting(t -> t.getId().getTag("status_code") + "=" + t.count())
        .containsExactlyInAnyOrder("OK=1", "NOT_FOUND=1");
  }

  @Test
  void ledgerDown_isCodeUnavailable_andTheTerminalStaysConnected() throws Exception {
    start();
    ledgerDown = true;
    assertThatThrownBy(() -> terminals.statusRequest(TID,
        StatusRequest.newBuilder().setTransactionId(TX).build()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(PosInquiryException.class)
        .extracting(e -> ((PosInquiryException) e).code())
        .isEqualTo(Error.Code.CODE_UNAVAILABLE);
    assertThat(terminals.recentRequest(TID, 3).get(10, TimeUnit.SECONDS).getResultsList())
        .isEmpty();
    assertThat(terminals.connectedTerminals()).isEqualTo(1);
  }
}
