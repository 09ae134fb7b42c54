package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.WatchDeliveryEventsRequest;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdminWatchCommandTest {
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  private static DeliveryEvent event(String resultId, DeliveryStatus from, DeliveryStatus to) {
    DeliveryEvent.Builder event = DeliveryEvent.newBuilder()
        .setResultId(resultId)
        .setTerminalId("T0001")
        .setFrom(from)
        .setTo(to)
        .setAt(TestDeliveries.at(TestDeliveries.T0))
        .setAttempt(1);
    if (to == DeliveryStatus.DELIVERY_STATUS_FAILED) {
      event.setReason(FailureReason.FAILURE_REASON_ACK_TIMEOUT).setNodeId("relay-1")
          .setSessionId("s-7");
    }
    return event.build();
  }

  @Test
  void watch_printsOneLinePerEvent_andSendsTheFilters() {
    admin.fake.watch = (index, request, out) -> {
      out.onNext(event("r-1", DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED,
          DeliveryStatus.DELIVERY_STATUS_PENDING));
      out.onNext(event("r-1", DeliveryStatus.DELIVERY_STATUS_DELIVERING,
          DeliveryStatus.DELIVERY_STATUS_FAILED));
      // stays open: the command stops at --max-events
    };

    int exit = admin.run("admin", "watch", "--status", "pending,failed", "--terminal", "T0001",
        "--max-events", "2");

    assertThat(exit).as(admin.err()).isZero();
    assertThat(admin.outLines()).containsExactly(
        "2026-11-29T03:34:56.120Z T0001 r-1 NEW -> PENDING attempt=1",
        "2026-11-29T03:34:56.120Z T0001 r-1 DELIVERING -> FAILED reason=ACK_TIMEOUT"
            + " node=relay-1 session=s-7 attempt=1");
    WatchDeliveryEventsRequest request = admin.fake.lastRequest(WatchDeliveryEventsRequest.class);
    assertThat(request.getStatusesList()).containsExactly(
        DeliveryStatus.DELIVERY_STATUS_PENDING, DeliveryStatus.DELIVERY_STATUS_FAILED);
    assertThat(request.getTerminalId()).isEqualTo("T0001");
  }

  @Test
  void watch_json_printsOneEventPerLine() {
    admin.fake.watch = (index, request, out) -> out.onNext(event("r-1",
        DeliveryStatus.DELIVERY_STATUS_DELIVERING, DeliveryStatus.DELIVERY_STATUS_FAILED));

    assertThat(admin.run("admin", "watch", "--json", "--max-events", "1")).isZero();

    assertThat(admin.outLines()).singleElement().asString().startsWith("{\"resultId\":\"r-1\"")
        .contains("\"to\":\"DELIVERY_STATUS_FAILED\"", "\"reason\":\"FAILURE_REASON_ACK_TIMEOUT\"");
  }

  @Test
  void watch_reconnectsWithBackoff_whenAdminApiIsUnavailable() {
    admin.fake.watch = (index, request, out) -> {
      if (index == 0) {
        out.onError(Status.UNAVAILABLE.withDescription("admin-api is shutting down")
            .asRuntimeException());
      } else if (index == 1) {
        out.onError(Status.RESOURCE_EXHAUSTED.withDescription("reader fell behind")
            .asRuntimeException());
      } else {
        out.onNext(event("r-9", DeliveryStatus.DELIVERY_STATUS_PENDING,
            DeliveryStatus.DELIVERY_STATUS_DELIVERING));
      }
    };

    assertThat(admin.run("admin", "watch", "--max-events", "1")).as(admin.err()).isZero();

    assertThat(admin.outLines()).singleElement().asString().contains("r-9 PENDING -> DELIVERING");
    assertThat(admin.fake.requestsOf(WatchDeliveryEventsRequest.class)).hasSize(3);
    assertThat(admin.err()).contains(
        "UNAVAILABLE: admin-api is shutting down; reconnecting in 250 ms",
        "RESOURCE_EXHAUSTED: reader fell behind; reconnecting in 500 ms");
  }

  @Test
  void watch_stopsAtTheDuration_withExitCode0() {
    admin.fake.watch = (index, request, out) -> { /* an idle stream */ };
    long started = System.nanoTime();

    assertThat(admin.run("admin", "watch", "--duration-s", "0.3")).as(admin.err()).isZero();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(
        Duration.ofMillis(250), Duration.ofSeconds(5));
    assertThat(admin.out()).isEmpty();
  }

  @Test
  void watch_nonRetriableStatus_isOneErrorLine_exit1() {
    admin.fake.watch = (index, request, out) -> out.onError(
        Status.PERMISSION_DENIED.withDescription("not an operator").asRuntimeException());

    assertThat(admin.run("admin", "watch")).isEqualTo(1);

    assertThat(admin.err()).contains("error: PERMISSION_DENIED: not an operator");
    assertThat(admin.fake.requestsOf(WatchDeliveryEventsRequest.class)).hasSize(1);
  }

  @Test
  void watch_negativeDuration_isUsageErrorNamingIt() {
    assertThat(admin.run("admin", "watch", "--duration-s", "-1")).isEqualTo(2);
    assertThat(admin.err()).contains("--duration-s: -1.0 (expected: >= 0)");
  }

  @Test
  void watch_unknownStatus_isUsageErrorNamingStatus() {
    assertThat(admin.run("admin", "watch", "--status", "done")).isEqualTo(2);
    assertThat(admin.err()).contains("--status", "'done' is not a delivery status");
  }
}
