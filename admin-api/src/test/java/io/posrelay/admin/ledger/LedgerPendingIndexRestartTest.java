package io.posrelay.admin.ledger;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PENDING records' index entries are held in memory ({@link PendingIndex}), not in a changelog:
 * after a restart, on the same state directory or on an empty one (restored from the
 * changelogs, as after a move to another instance), listings of PENDING records and a terminal's
 * recovery ask still find every PENDING result, the oldest PENDING age is still known, and the
 * claim deadline still fails the ones never claimed.
 */
@Timeout(180)
class LedgerPendingIndexRestartTest {
  private static final int TERMINALS = 3;
  private static final int RESULTS = 30;
  private static final Duration CLAIM_DEADLINE = Duration.ofSeconds(30);

  @TempDir static Path brokerDir;
  private static EmbeddedKafka kafka;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = LedgerOnBroker.startBroker(brokerDir);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void pendingResults_areListedAfterRestarts_andStillFailAtTheirClaimDeadline() throws Exception {
    LedgerSettings settings = new LedgerSettings(CLAIM_DEADLINE, Duration.ofSeconds(30),
        Duration.ofHours(24), Duration.ofHours(1), ReversalPolicy.NONE);
    try (LedgerOnBroker ledger = new LedgerOnBroker(kafka, "pending-restart", settings)) {
      ledger.start(stateDir.resolve("first"));
      Instant t0 = Instant.now().minusSeconds(60);
      List<PaymentResult> ofT0 = new ArrayList<>();
      for (int i = 0; i < RESULTS; i++) {
        PaymentResult r = TestEvents.result("p-" + i, "T-" + (i % TERMINALS), t0.plusSeconds(i));
        ledger.send(r);
        if (i % TERMINALS == 0) {
          ofT0.add(0, r); // newest first
        }
      }
      ledger.flush();
      await().atMost(Duration.ofSeconds(60))
          .until(() -> ledger.count(DELIVERY_STATUS_PENDING) == RESULTS);
      List<String> expected = ofT0.stream().map(PaymentResult::getResultId).toList();
      assertUndeliveredOfT0(ledger, expected);

      ledger.stop();
      ledger.start(stateDir.resolve("first")); // the same state directory
      assertPendingListed(ledger, expected);

      ledger.stop();
      ledger.start(stateDir.resolve("second")); // empty: restored from the changelogs
      assertPendingListed(ledger, expected);

      // Delivered now: out of the listings; the others fail at their claim deadline.
      for (PaymentResult r : ofT0.subList(0, 5)) {
        ledger.sendDelivered(r);
      }
      ledger.flush();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> ledger.count(DELIVERY_STATUS_DELIVERED) == 5);
      assertUndeliveredOfT0(ledger, expected.subList(5, expected.size()));
      await().atMost(CLAIM_DEADLINE.multipliedBy(2))
          .until(() -> ledger.count(DELIVERY_STATUS_FAILED) == RESULTS - 5);
      assertThat(ledger.count(DELIVERY_STATUS_PENDING)).isZero();
      List<Delivery> failed = ledger.queries().list(new LedgerQuery(
          Set.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED), "T-0", "", Long.MIN_VALUE,
          Long.MAX_VALUE), 100, null).deliveries();
      assertThat(failed).extracting(Delivery::getResultId)
          .containsExactlyElementsOf(expected.subList(5, expected.size()));
      assertThat(failed).extracting(Delivery::getFailureReason)
          .containsOnly(FailureReason.FAILURE_REASON_UNCLAIMED);
    }
  }

  private static void assertPendingListed(LedgerOnBroker ledger, List<String> ofT0) {
    assertThat(ledger.count(DELIVERY_STATUS_PENDING)).isEqualTo(RESULTS);
    assertUndeliveredOfT0(ledger, ofT0);
    LedgerQuery pending = new LedgerQuery(Set.of(DELIVERY_STATUS_PENDING), "", "",
        Long.MIN_VALUE, Long.MAX_VALUE);
    assertThat(ledger.queries().list(pending, 100, null).deliveries()).hasSize(RESULTS);
    assertThat(ledger.queries().stats(System.currentTimeMillis()).oldestPendingAge())
        .isGreaterThanOrEqualTo(Duration.ofSeconds(60 - RESULTS));
  }

  /** A relay's recovery ask for T-0 (PENDING and FAILED), one result per page. */
  private static void assertUndeliveredOfT0(LedgerOnBroker ledger, List<String> expected) {
    LedgerQuery undelivered = new LedgerQuery(
        Set.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED), "T-0", "", Long.MIN_VALUE,
        Long.MAX_VALUE);
    List<String> listed = new ArrayList<>();
    String after = null;
    do {
      LedgerPage page = ledger.queries().list(undelivered, 1, after);
      page.deliveries().forEach(d -> listed.add(d.getResultId()));
      after = page.next();
    } while (after != null);
    assertThat(listed).containsExactlyElementsOf(expected);
  }
}
