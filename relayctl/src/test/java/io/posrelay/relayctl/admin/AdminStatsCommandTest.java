package io.posrelay.relayctl.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetStatsResponse;
import io.posrelay.admin.v1.ReasonCount;
import io.posrelay.admin.v1.StatusCount;
import io.posrelay.v1.FailureReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminStatsCommandTest {
  private static final GetStatsResponse STATS = GetStatsResponse.newBuilder()
      .setTotal(120)
      .addStatusCounts(count(DeliveryStatus.DELIVERY_STATUS_PENDING, 3))
      .addStatusCounts(count(DeliveryStatus.DELIVERY_STATUS_DELIVERED, 105))
      .addStatusCounts(count(DeliveryStatus.DELIVERY_STATUS_FAILED, 12))
      .addReasonCounts(reason(FailureReason.FAILURE_REASON_UNCLAIMED, 7))
      .addReasonCounts(reason(FailureReason.FAILURE_REASON_ACK_TIMEOUT, 5))
      .setOldestPendingAge(Duration.newBuilder().setSeconds(12).setNanos(340_000_000))
      .setDuplicateClaims(2)
      .build();

  private AdminCommandHarness admin;

  @BeforeEach
  void startFake() throws Exception {
    admin = new AdminCommandHarness();
  }

  @AfterEach
  void stopFake() throws Exception {
    admin.close();
  }

  private static StatusCount count(DeliveryStatus status, long count) {
    return StatusCount.newBuilder().setStatus(status).setCount(count).build();
  }

  private static ReasonCount reason(FailureReason reason, long count) {
    return ReasonCount.newBuilder().setReason(reason).setCount(count).build();
  }

  @Test
  void stats_printsEveryStatus_theReasons_oldestPendingAndDuplicates() {
    admin.fake.stats = r -> STATS;

    assertThat(admin.run("admin", "stats")).as(admin.err()).isZero();

    assertThat(admin.outLines()).containsExactly(
        "records              120",
        "  PENDING            3",
        "  DELIVERING         0",
        "  DELIVERED          105",
        "  FAILED             12",
        "  EXPIRED            0",
        "  REVERSAL_REQUIRED  0",
        "failure reasons",
        "  UNCLAIMED          7",
        "  ACK_TIMEOUT        5",
        "oldest pending       12.3s",
        "duplicate claims     2",
        "reversals required   0",
        "conflicts            0");
  }

  @Test
  void stats_ofAnEmptyLedger_saysNone() {
    assertThat(admin.run("admin", "stats")).isZero();

    assertThat(admin.outLines()).contains("records              0", "  none",
        "oldest pending       none");
  }

  @Test
  void stats_json_printsTheResponseOnOneLine() {
    admin.fake.stats = r -> STATS;

    assertThat(admin.run("admin", "stats", "--json")).isZero();

    assertThat(admin.outLines()).singleElement().asString().contains(
        "\"total\":\"120\"", "\"oldestPendingAge\":\"12.340s\"", "\"duplicateClaims\":\"2\"",
        "{\"reason\":\"FAILURE_REASON_UNCLAIMED\",\"count\":\"7\"}");
  }
}
