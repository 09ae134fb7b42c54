package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.failed;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_EXPIRED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_CLAIMED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_DELIVERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.DeliveryStep;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.TopicNames;
import io.posrelay.v1.kafka.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LedgerTopologyTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration TICK = LedgerTopology.PUNCTUATE_INTERVAL;

  @TempDir Path stateDir;
  private LedgerDriver ledger;

  @BeforeEach
  void setUp() {
    ledger = new LedgerDriver(stateDir, T0);
  }

  @AfterEach
  void tearDown() {
    ledger.close();
  }

  @Test
  void newResult_isPendingWithOneEventKeyedByTerminal() {
    ledger.result(result("a", "T1", T0));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(d.getTerminalId()).isEqualTo("T1");
    assertThat(d.getMerchantId()).isEqualTo("M1");
    assertThat(d.getAttempt()).isEqualTo(1);
    assertThat(d.getTimelineList()).extracting(DeliveryStep::getStatus)
        .containsExactly(DELIVERY_STATUS_PENDING);
    List<KeyValue<String, DeliveryEvent>> events = ledger.keyedEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).key).isEqualTo("T1");
    assertThat(events.get(0).value.getFrom()).isEqualTo(DELIVERY_STATUS_UNSPECIFIED);
    assertThat(events.get(0).value.getTo()).isEqualTo(DELIVERY_STATUS_PENDING);
  }

  @Test
  void configuredTopicNames_areTheOnesReadAndWritten() {
    TopicNames acme = new TopicNames("acme.results", "acme.claims", "acme.sessions",
        "acme.delivery-events");
    try (LedgerDriver custom = new LedgerDriver(stateDir.resolve("acme"), T0, acme)) {
      assertThat(custom.driver.producedTopicNames()).doesNotContain(Topics.DELIVERY_EVENTS);
      custom.result(result("a", "T1", T0));
      custom.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));

      assertThat(custom.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
      assertThat(custom.events()).extracting(DeliveryEvent::getTo)
          .containsExactly(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_DELIVERING);
      assertThat(custom.driver.producedTopicNames()).contains("acme.delivery-events")
          .doesNotContain(Topics.DELIVERY_EVENTS);
    }
  }

  @Test
  void claimedThenAcked_isDeliveringThenDelivered_withTimelineAndOneEventPerTransition() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(ledger.get("a").getNodeId()).isEqualTo("relay-1");
    assertThat(ledger.get("a").getSessionId()).isEqualTo("s1");
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.getTimelineList()).extracting(DeliveryStep::getStatus)
        .containsExactly(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_DELIVERING,
            DELIVERY_STATUS_DELIVERED);
    assertThat(d.getTimeline(1).getNodeId()).isEqualTo("relay-1");
    assertThat(transitions(ledger.events()))
        .containsExactly("UNSPECIFIED>PENDING", "PENDING>DELIVERING", "DELIVERING>DELIVERED");
  }

  @Test
  void unclaimedResult_isFailedUnclaimedAfterTheClaimDeadline_once() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.minus(TICK));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    ledger.advance(TICK.multipliedBy(2));
    ledger.advance(TICK.multipliedBy(5));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(d.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
    assertThat(d.hasFailedAt()).isTrue();
    assertThat(transitions(ledger.events())).containsExactly("UNSPECIFIED>PENDING", "PENDING>FAILED");
  }

  @Test
  void deliveringWithoutOutcome_isFailedAckTimeoutAfterAckTimeoutPlusClaimDeadline() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.advance(LedgerDriver.ACK_TIMEOUT.plus(LedgerDriver.CLAIM_DEADLINE).minus(TICK));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);

    ledger.advance(TICK.multipliedBy(2));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(ledger.get("a").getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_ACK_TIMEOUT);
    assertThat(ledger.get("a").getNodeId()).isEqualTo("relay-1");
  }

  @Test
  void claimDeadline_waitsWhileABacklogOfOlderRecordsIsProcessed() {
    ledger.result(result("a", "T1", T0), T0);
    // a backlog: records produced before the deadline keep arriving after it (e.g. a restart)
    for (int i = 0; i < 30; i++) {
      ledger.advance(TICK);
      ledger.result(result("other" + i, "T2", T0), T0.plusMillis(i));
    }
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED), T0.plusMillis(40));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(transitions(ledger.events()).stream().filter(t -> t.endsWith(">FAILED"))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = FailureReason.class,
      names = {"FAILURE_REASON_CONNECTION_LOST", "FAILURE_REASON_WRITE_FAILED",
          "FAILURE_REASON_SESSION_REPLACED", "FAILURE_REASON_NODE_SHUTDOWN"})
  void failedClaim_isFailedWithTheClaimsReason(FailureReason reason) {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.claim(failed("a", "relay-1", "s1", reason));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(d.getFailureReason()).isEqualTo(reason);
    List<DeliveryEvent> events = ledger.events();
    assertThat(events.get(events.size() - 1).getReason()).isEqualTo(reason);
    assertThat(events.get(events.size() - 1).getNodeId()).isEqualTo("relay-1");
  }

  @Test
  void claimBeforeResult_isAppliedWhenTheResultArrives() {
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    assertThat(ledger.queries.get("a")).isEmpty();

    ledger.result(result("a", "T1", T0));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(transitions(ledger.events())).containsExactly("UNSPECIFIED>PENDING", "PENDING>DELIVERING");
  }

  @Test
  void earlyClaimWhoseResultNeverComes_isDroppedAfterItsMaximumAge() {
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.advance(LedgerProcessor.EARLY_CLAIM_MAX_AGE.plus(TICK));

    ledger.result(result("a", "T1", T0));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(ledger.driver.getKeyValueStore(LedgerStoreNames.EARLY_CLAIMS).approximateNumEntries())
        .isZero();
  }

  @Test
  void claimFromAnotherNode_isCountedAsDuplicate_evenAfterDelivered() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));
    ledger.claim(claim("a", "relay-2", "s9", OUTCOME_CLAIMED));
    ledger.claim(claim("a", "relay-2", "s9", OUTCOME_DELIVERED));

    Delivery d = ledger.get("a");
    assertThat(d.getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(d.getDuplicateClaims()).isEqualTo(1);
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).duplicateClaims()).isEqualTo(1);
    assertThat(ledger.duplicateClaimsCounted).as("posrelay_ledger_claims_duplicate_total")
        .hasValue(1);
  }

  @Test
  void failedThenRedelivered_isDelivered() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);

    ledger.claim(claim("a", "relay-2", "s2", OUTCOME_CLAIMED));
    ledger.claim(claim("a", "relay-2", "s2", OUTCOME_DELIVERED));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(ledger.get("a").getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNSPECIFIED);
    assertThat(transitions(ledger.events())).containsExactly("UNSPECIFIED>PENDING", "PENDING>FAILED",
        "FAILED>DELIVERING", "DELIVERING>DELIVERED");
  }

  @Test
  void ilkRetryOfDeliveredResult_doesNotResetIt() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));
    ledger.events();

    ledger.result(result("a", "T1", T0));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERED);
    assertThat(ledger.events()).isEmpty();
  }

  @Test
  void ilkRetryOfFailedResult_isPendingAgainWithANewDeadline() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK));
    ledger.result(result("a", "T1", T0));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);

    ledger.advance(LedgerDriver.CLAIM_DEADLINE.minus(TICK));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    ledger.advance(TICK.multipliedBy(2));
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
  }

  @Test
  void failedClaimOfAnOlderSession_doesNotFailTheCurrentDelivery() {
    ledger.result(result("a", "T1", T0));
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.claim(claim("a", "relay-1", "s2", OUTCOME_CLAIMED));

    ledger.claim(failed("a", "relay-1", "s1", FailureReason.FAILURE_REASON_SESSION_REPLACED));

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_DELIVERING);
    assertThat(ledger.get("a").getSessionId()).isEqualTo("s2");
  }

  @Test
  void failedAndDelivered_expireAfterRetention_andArePurgedAfterGrace() {
    ledger.result(result("failed", "T1", T0));
    ledger.result(result("delivered", "T1", T0));
    ledger.claim(claim("delivered", "relay-1", "s1", OUTCOME_DELIVERED));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK));
    ledger.events();

    ledger.advance(LedgerDriver.RETENTION);

    assertThat(ledger.get("failed").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);
    assertThat(ledger.get("failed").getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
    assertThat(ledger.get("delivered").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);
    assertThat(transitions(ledger.events()))
        .containsExactlyInAnyOrder("FAILED>EXPIRED", "DELIVERED>EXPIRED");
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).byStatus())
        .containsEntry(DELIVERY_STATUS_EXPIRED, 2L);

    ledger.advance(LedgerDriver.GRACE.plus(TICK));

    assertThat(ledger.queries.get("failed")).isEmpty();
    assertThat(ledger.queries.get("delivered")).isEmpty();
    assertThat(ledger.events()).isEmpty();
    assertThat(ledger.queries.stats(ledger.now().toEpochMilli()).byStatus()).isEmpty();
    assertThat(ledger.driver.getKeyValueStore(LedgerStoreNames.DUE).approximateNumEntries()).isZero();
    assertThat(ledger.driver.getKeyValueStore(LedgerStoreNames.BY_STATUS).approximateNumEntries())
        .isZero();
  }

  @Test
  void retryOfExpiredResult_withAHigherAttempt_isPendingAgain() {
    ledger.result(result("a", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(TICK));
    ledger.advance(LedgerDriver.RETENTION);
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);
    ledger.result(result("a", "T1", T0)); // same attempt: an ILK retry changes nothing
    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_EXPIRED);

    PaymentResult retried = result("a", "T1", T0).toBuilder().setAttempt(2).build();
    ledger.result(retried);

    assertThat(ledger.get("a").getStatus()).isEqualTo(DELIVERY_STATUS_PENDING);
    assertThat(ledger.get("a").getAttempt()).isEqualTo(2);
  }

  @Test
  void stats_countByStatusAndReason_andOldestPendingAge() {
    ledger.result(result("old", "T1", T0.minusSeconds(10)));
    ledger.result(result("new", "T2", T0));
    ledger.result(result("gone", "T3", T0));
    ledger.claim(claim("gone", "relay-1", "s1", OUTCOME_CLAIMED));
    ledger.claim(failed("gone", "relay-1", "s1", FailureReason.FAILURE_REASON_CONNECTION_LOST));

    LedgerStats stats = ledger.queries.stats(T0.toEpochMilli());

    assertThat(stats.byStatus()).containsEntry(DELIVERY_STATUS_PENDING, 2L)
        .containsEntry(DELIVERY_STATUS_FAILED, 1L).hasSize(2);
    assertThat(stats.byReason()).containsEntry(FailureReason.FAILURE_REASON_CONNECTION_LOST, 1L)
        .hasSize(1);
    assertThat(stats.oldestPendingAge()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void resultOrClaimWithoutResultId_isSkipped() {
    ledger.result(result("", "T1", T0));
    ledger.claim(claim("", "relay-1", "s1", OUTCOME_CLAIMED));

    assertThat(ledger.events()).isEmpty();
    assertThat(ledger.queries.stats(T0.toEpochMilli()).byStatus()).isEmpty();
  }

  @Test
  void list_isNewestFirstAcrossStatuses() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T2", T0.plusSeconds(1)));
    ledger.result(result("c", "T1", T0.plusSeconds(2)));
    ledger.claim(claim("b", "relay-1", "s1", OUTCOME_DELIVERED));

    LedgerPage page = ledger.queries.list(LedgerQuery.all(), 10, null);

    assertThat(page.deliveries()).extracting(Delivery::getResultId).containsExactly("c", "b", "a");
    assertThat(page.next()).isNull();
  }

  private static List<String> transitions(List<DeliveryEvent> events) {
    return events.stream().map(e -> name(e.getFrom()) + ">" + name(e.getTo())).toList();
  }

  private static String name(DeliveryStatus status) {
    return status.name().substring("DELIVERY_STATUS_".length());
  }
}
