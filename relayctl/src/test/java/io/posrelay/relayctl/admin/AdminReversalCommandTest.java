package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.v1.Conflict;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The support lookups of issue 13: by transaction, by order, reversals and conflicts. */
class AdminReversalCommandTest {
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  private static Delivery reversed(String resultId) {
    return TestDeliveries.unclaimed(resultId, "T0001", 0).toBuilder()
        .setStatus(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setReversalRequiredAt(TestDeliveries.at(Instant.parse("2026-11-29T03:35:56.120Z")))
        .setConflict(Conflict.newBuilder().setNodeId("relay-2").setSessionId("s-9")
            .setAckedAt(TestDeliveries.at(Instant.parse("2026-11-29T03:35:57Z"))))
        .build();
  }

  @Test
  void get_byTransaction_sendsTheTransactionId_andShowsTheDecisionAndTheConflict() {
    admin.fake.get = r -> reversed("r-1");

    assertThat(admin.run("admin", "get", "--transaction", "ILK-TX-1")).as(admin.err()).isZero();

    GetDeliveryRequest request = admin.fake.lastRequest(GetDeliveryRequest.class);
    assertThat(request.getTransactionId()).isEqualTo("ILK-TX-1");
    assertThat(request.getResultId()).isEmpty();
    assertThat(admin.outLines()).contains(
        "status            REVERSAL_REQUIRED (UNCLAIMED), attempt 1",
        "reversal_at       2026-11-29T03:35:56.120Z  (reverse it; it is never delivered again)",
        "CONFLICT          acked at 2026-11-29T03:35:57Z by node relay-2 session s-9, after"
            + " the reversal decision: the terminal may show this approval");
  }

  @Test
  void get_withBothIds_isUsageError() {
    assertThat(admin.run("admin", "get", "r-1", "--transaction", "ILK-TX-1")).isEqualTo(2);
    assertThat(admin.err()).contains("given with --transaction");
    assertThat(admin.fake.requests).isEmpty();
  }

  @Test
  void list_sendsTransactionOrderAndReversalRequired() {
    admin.fake.list = r -> ListDeliveriesResponse.newBuilder().addDeliveries(reversed("r-1"))
        .build();

    assertThat(admin.run("admin", "list", "--status", "reversal_required", "--transaction",
        "ILK-TX-1", "--order", "ORD-7")).as(admin.err()).isZero();

    ListDeliveriesRequest request = admin.fake.lastRequest(ListDeliveriesRequest.class);
    assertThat(request.getStatusesList())
        .containsExactly(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
    assertThat(request.getTransactionId()).isEqualTo("ILK-TX-1");
    assertThat(request.getOrderId()).isEqualTo("ORD-7");
    assertThat(admin.out()).contains("REVERSAL_REQUIRED");
  }

  @Test
  void watchLine_ofAConflict_endsWithConflict() {
    String line = EventLine.of(io.posrelay.admin.v1.DeliveryEvent.newBuilder()
        .setResultId("r-1").setTerminalId("T0001")
        .setFrom(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setTo(DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .setNodeId("relay-1").setAttempt(1).setConflict(true)
        .setAt(TestDeliveries.at(Instant.parse("2026-11-29T03:36:01.020Z"))).build());

    assertThat(line).isEqualTo("2026-11-29T03:36:01.020Z T0001 r-1 REVERSAL_REQUIRED ->"
        + " REVERSAL_REQUIRED node=relay-1 attempt=1 CONFLICT");
  }

  @Test
  void stats_printsReversalsRequiredAndConflicts() {
    admin.fake.stats = r -> GetStatsResponse.newBuilder().setTotal(3).setReversalsRequired(2)
        .setConflicts(1).build();

    assertThat(admin.run("admin", "stats")).as(admin.err()).isZero();

    assertThat(admin.outLines()).contains("reversals required   2", "conflicts            1");
  }
}
