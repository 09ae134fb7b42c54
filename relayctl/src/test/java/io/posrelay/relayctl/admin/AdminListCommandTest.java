package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminListCommandTest {
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  private static ListDeliveriesResponse page(String nextPageToken, Delivery... deliveries) {
    return ListDeliveriesResponse.newBuilder()
        .addAllDeliveries(List.of(deliveries))
        .setNextPageToken(nextPageToken)
        .build();
  }

  @Test
  void list_printsTableInServerOrder_andSendsEveryFilter() {
    admin.fake.list = r -> page("",
        TestDeliveries.unclaimed("r-2", "T0002", 60),
        TestDeliveries.ackTimedOut("r-1", "T0001"));

    int exit = admin.run("admin", "list", "--status", "failed,PENDING", "--status",
        "delivery_status_expired", "--terminal", "T0001", "--merchant", "M001",
        "--since", "2026-11-29T12:00:00+09:00", "--until", "2026-11-29T04:00:00Z",
        "--page-size", "20");

    assertThat(exit).as(admin.err()).isZero();
    assertThat(admin.outLines()).containsExactly(
        "RESULT_ID  TERMINAL  STATUS  REASON       NODE     RECEIVED_AT"
            + "               AMOUNT",
        "r-2        T0002     FAILED  UNCLAIMED    -        2026-11-29T03:35:56.120Z  15000 KRW",
        "r-1        T0001     FAILED  ACK_TIMEOUT  relay-1  2026-11-29T03:34:56.120Z  10.50 USD");
    ListDeliveriesRequest request = admin.fake.lastRequest(ListDeliveriesRequest.class);
    assertThat(request.getStatusesList()).containsExactly(
        DeliveryStatus.DELIVERY_STATUS_FAILED,
        DeliveryStatus.DELIVERY_STATUS_PENDING,
        DeliveryStatus.DELIVERY_STATUS_EXPIRED);
    assertThat(request.getTerminalId()).isEqualTo("T0001");
    assertThat(request.getMerchantId()).isEqualTo("M001");
    assertThat(request.getReceivedAfter()).isEqualTo(
        TestDeliveries.at(Instant.parse("2026-11-29T03:00:00Z")));
    assertThat(request.getReceivedBefore()).isEqualTo(
        TestDeliveries.at(Instant.parse("2026-11-29T04:00:00Z")));
    assertThat(request.getPageSize()).isEqualTo(20);
    assertThat(request.getPageToken()).isEmpty();
  }

  @Test
  void list_withMorePages_printsOnePage_andTheNextPageTokenOnStderr() {
    admin.fake.list = r -> page("tok-2", TestDeliveries.unclaimed("r-1", "T0001", 0));

    assertThat(admin.run("admin", "list")).isZero();

    assertThat(admin.outLines()).hasSize(2);
    assertThat(admin.err()).contains("--page-token tok-2", "--all");
    assertThat(admin.fake.requestsOf(ListDeliveriesRequest.class)).hasSize(1);
    assertThat(admin.fake.lastRequest(ListDeliveriesRequest.class).getPageSize()).isEqualTo(50);
  }

  @Test
  void list_all_followsNextPageTokens_withTheSameFilters() {
    admin.fake.list = r -> switch (r.getPageToken()) {
      case "" -> page("p2", TestDeliveries.unclaimed("r-3", "T0001", 2));
      case "p2" -> page("p3", TestDeliveries.unclaimed("r-2", "T0001", 1));
      default -> page("", TestDeliveries.unclaimed("r-1", "T0001", 0));
    };

    assertThat(admin.run("admin", "list", "--all", "--terminal", "T0001", "--json")).isZero();

    assertThat(admin.outLines()).hasSize(3);
    assertThat(admin.out()).containsSubsequence("\"r-3\"", "\"r-2\"", "\"r-1\"");
    assertThat(admin.fake.requestsOf(ListDeliveriesRequest.class))
        .extracting(ListDeliveriesRequest::getPageToken, ListDeliveriesRequest::getTerminalId)
        .containsExactly(
            tuple("", "T0001"),
            tuple("p2", "T0001"),
            tuple("p3", "T0001"));
    assertThat(admin.err()).doesNotContain("--page-token");
  }

  @Test
  void list_json_printsOneDeliveryPerLine_thatParsesBack() throws Exception {
    Delivery first = TestDeliveries.ackTimedOut("r-1", "T0001");
    Delivery second = TestDeliveries.unclaimed("r-2", "T0002", 0);
    admin.fake.list = r -> page("", first, second);

    assertThat(admin.run("admin", "list", "--json")).isZero();

    List<Delivery> parsed = new ArrayList<>();
    for (String line : admin.outLines()) {
      assertThat(line).startsWith("{").endsWith("}");
      Delivery.Builder delivery = Delivery.newBuilder();
      JsonFormat.parser().merge(line, delivery);
      parsed.add(delivery.build());
    }
    assertThat(parsed).containsExactly(first, second);
    assertThat(admin.out()).contains("\"status\":\"DELIVERY_STATUS_FAILED\"");
  }

  @Test
  void list_noMatch_saysSoOnStderr() {
    assertThat(admin.run("admin", "list", "--status", "expired")).isZero();

    assertThat(admin.out()).isEmpty();
    assertThat(admin.err()).contains("no deliveries match");
  }

  @Test
  void list_unknownStatus_isUsageErrorNamingStatus() {
    assertThat(admin.run("admin", "list", "--status", "lost")).isEqualTo(2);

    assertThat(admin.err()).contains("--status", "'lost' is not a delivery status",
        "pending, delivering, delivered, failed, expired");
    assertThat(admin.fake.requests).isEmpty();
  }

  @Test
  void list_pageSizeOutOfRange_isUsageErrorNamingPageSize() {
    assertThat(admin.run("admin", "list", "--page-size", "1001")).isEqualTo(2);
    assertThat(admin.err()).contains("--page-size: 1001 (expected: 1..1000)");
    assertThat(admin.fake.requests).isEmpty();
  }

  @Test
  void list_sinceNotBeforeUntil_isUsageErrorNamingSince() {
    assertThat(admin.run("admin", "list", "--since", "2026-11-29T04:00:00Z",
        "--until", "2026-11-29T03:00:00Z")).isEqualTo(2);
    assertThat(admin.err()).contains("--since: 2026-11-29T04:00:00Z (expected: before --until");
  }

  @Test
  void list_unparsableSince_isUsageErrorNamingSince() {
    assertThat(admin.run("admin", "list", "--since", "yesterday")).isEqualTo(2);
    assertThat(admin.err()).contains("--since", "'yesterday'", "ISO-8601");
  }

  @Test
  void list_badAdminAddress_isUsageErrorNamingAdmin() {
    assertThat(admin.runExactly("admin", "list", "--admin", "localhost")).isEqualTo(2);
    assertThat(admin.err()).contains("--admin", "'localhost' (expected: HOST:PORT)");
  }

  @Test
  void list_zeroTimeout_isUsageErrorNamingTimeout() {
    assertThat(admin.run("admin", "list", "--timeout-ms", "0")).isEqualTo(2);
    assertThat(admin.err()).contains("--timeout-ms: 0 (expected: > 0)");
  }

  @Test
  void list_invalidArgumentFromAdminApi_isOneErrorLine_exit1() {
    admin.fake.list = r -> {
      throw Status.INVALID_ARGUMENT.withDescription("page_token: not a token of this listing")
          .asRuntimeException();
    };

    assertThat(admin.run("admin", "list", "--page-token", "junk")).isEqualTo(1);

    assertThat(admin.err().strip())
        .isEqualTo("error: INVALID_ARGUMENT: page_token: not a token of this listing");
    assertThat(admin.out()).isEmpty();
  }

  @Test
  void list_adminApiNotAnswering_isDeadlineExceededNamingTimeout() {
    admin.fake.silent = true;

    assertThat(admin.run("admin", "list", "--timeout-ms", "200")).isEqualTo(1);

    assertThat(admin.err()).contains("error: DEADLINE_EXCEEDED:", "within 200 ms (--timeout-ms)");
  }

  @Test
  void list_adminApiUnreachable_isUnavailableNamingTheAddress() {
    String address = admin.address();
    admin.close();

    assertThat(admin.runExactly("admin", "list", "--admin", address)).isEqualTo(1);

    assertThat(admin.err())
        .startsWith("error: UNAVAILABLE: admin-api is unreachable at " + address)
        .contains("--admin-address or POSRELAY_ADMIN_ADDRESS");
  }

  @Test
  void list_unavailableSentByAdminApi_keepsItsDescription() {
    admin.fake.list = r -> {
      throw Status.UNAVAILABLE.withDescription("ledger is restoring").asRuntimeException();
    };

    assertThat(admin.run("admin", "list")).isEqualTo(1);

    assertThat(admin.err()).startsWith("error: UNAVAILABLE: ledger is restoring (admin-api at ");
  }
}
