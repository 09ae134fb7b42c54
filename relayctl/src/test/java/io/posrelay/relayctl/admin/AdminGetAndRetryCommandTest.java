package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminGetAndRetryCommandTest {
  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  @Test
  void get_printsTheRecordAndEveryTimelineStep() {
    admin.fake.get = r -> TestDeliveries.ackTimedOut(r.getResultId(), "T0001");

    assertThat(admin.run("admin", "get", "r-1")).as(admin.err()).isZero();

    assertThat(admin.fake.lastRequest(GetDeliveryRequest.class).getResultId()).isEqualTo("r-1");
    assertThat(admin.outLines()).contains(
        "result_id         r-1",
        "status            FAILED (ACK_TIMEOUT), attempt 1",
        "terminal          T0001",
        "node              relay-1",
        "received_at       2026-11-29T03:34:56.120Z",
        "claimed_at        2026-11-29T03:34:56.180Z",
        "delivered_at      -",
        "duplicate_claims  1",
        "amount            10.50 USD",
        "timeline",
        "  2026-11-29T03:34:56.120Z  PENDING     -            node -        session -    attempt 1",
        "  2026-11-29T03:34:56.180Z  DELIVERING  -            node relay-1  session s-7  attempt 1",
        "  2026-11-29T03:35:01.180Z  FAILED      ACK_TIMEOUT  node relay-1  session s-7  attempt 1");
  }

  @Test
  void get_json_printsTheDeliveryOnOneLine() throws Exception {
    Delivery delivery = TestDeliveries.ackTimedOut("r-1", "T0001");
    admin.fake.get = r -> delivery;

    assertThat(admin.run("admin", "get", "r-1", "--json")).isZero();

    assertThat(admin.outLines()).hasSize(1);
    Delivery.Builder parsed = Delivery.newBuilder();
    JsonFormat.parser().merge(admin.out(), parsed);
    assertThat(parsed.build()).isEqualTo(delivery);
    assertThat(admin.out()).contains("\"timeline\":[");
  }

  @Test
  void get_unknownResult_isNotFound_exit1() {
    assertThat(admin.run("admin", "get", "r-x")).isEqualTo(1);

    assertThat(admin.err().strip()).isEqualTo("error: NOT_FOUND: no delivery with result_id r-x");
    assertThat(admin.out()).isEmpty();
  }

  @Test
  void get_blankResultId_isUsageError() {
    assertThat(admin.run("admin", "get", " ")).isEqualTo(2);
    assertThat(admin.err()).contains("RESULT_ID: ' ' (expected: not empty)");
    assertThat(admin.fake.requests).isEmpty();
  }

  @Test
  void get_withoutResultId_isUsageErrorNamingIt() {
    assertThat(admin.run("admin", "get")).isEqualTo(2);
    assertThat(admin.err()).contains("RESULT_ID");
  }

  @Test
  void retry_failedResult_printsTheNewAttempt() {
    admin.fake.retry = r -> TestDeliveries.unclaimed(r.getResultId(), "T0001", 0);

    assertThat(admin.run("admin", "retry", "r-1")).as(admin.err()).isZero();

    assertThat(admin.fake.lastRequest(RetryDeliveryRequest.class).getResultId()).isEqualTo("r-1");
    assertThat(admin.outLines().get(0)).isEqualTo(
        "retried r-1: attempt 2 published; PENDING again once the ledger reads it"
            + " (was FAILED (UNCLAIMED), attempt 1)");
  }

  @Test
  void retry_json_printsTheDeliveryBeforeTheRetry() {
    admin.fake.retry = r -> TestDeliveries.unclaimed(r.getResultId(), "T0001", 0);

    assertThat(admin.run("admin", "retry", "r-1", "--json")).isZero();

    assertThat(admin.outLines()).singleElement().asString()
        .contains("\"resultId\":\"r-1\"", "\"attempt\":1");
  }

  @Test
  void retry_deliveredResult_isFailedPrecondition_exit1() {
    admin.fake.retry = r -> {
      throw Status.FAILED_PRECONDITION
          .withDescription("result r-1 is DELIVERED; only FAILED or EXPIRED ones are retried")
          .asRuntimeException();
    };

    assertThat(admin.run("admin", "retry", "r-1")).isEqualTo(1);

    assertThat(admin.err().strip()).isEqualTo("error: FAILED_PRECONDITION: result r-1 is"
        + " DELIVERED; only FAILED or EXPIRED ones are retried");
    assertThat(admin.out()).isEmpty();
  }

  @Test
  void retry_unknownResult_isNotFound_exit1() {
    assertThat(admin.run("admin", "retry", "r-x")).isEqualTo(1);
    assertThat(admin.err().strip()).isEqualTo("error: NOT_FOUND: no delivery with result_id r-x");
  }
}
