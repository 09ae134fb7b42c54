package io.posrelay.admin.ledger;

import static io.posrelay.admin.ledger.TestEvents.claim;
import static io.posrelay.admin.ledger.TestEvents.result;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_CLAIMED;
import static io.posrelay.v1.DeliveryClaim.Outcome.OUTCOME_DELIVERED;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.v1.Delivery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal index ({@link LedgerStoreNames#BY_TERMINAL}): it holds exactly the PENDING and
 * FAILED records, under their terminal, and a listing of one terminal's undelivered records (a
 * relay's recovery ask) is answered from it.
 */
class LedgerTerminalIndexTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final LedgerQuery UNDELIVERED_OF_T1 = new LedgerQuery(
      Set.of(DELIVERY_STATUS_PENDING, DELIVERY_STATUS_FAILED), "T1", "", Long.MIN_VALUE,
      Long.MAX_VALUE);

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
  void holdsOnlyUndeliveredRecords_underTheirTerminal() {
    ledger.result(result("a", "T1", T0));
    ledger.result(result("b", "T1", T0.plusSeconds(1)));
    ledger.result(result("c", "T2", T0.plusSeconds(2)));
    assertThat(terminalIndex()).containsExactlyInAnyOrder(
        key("T1", DELIVERY_STATUS_PENDING, T0, "a"),
        key("T1", DELIVERY_STATUS_PENDING, T0.plusSeconds(1), "b"),
        key("T2", DELIVERY_STATUS_PENDING, T0.plusSeconds(2), "c"));

    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_CLAIMED)); // DELIVERING: not undelivered
    ledger.claim(claim("c", "relay-1", "s2", OUTCOME_DELIVERED));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(LedgerTopology.PUNCTUATE_INTERVAL.multipliedBy(3)));

    assertThat(ledger.get("b").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    assertThat(terminalIndex())
        .containsExactly(key("T1", DELIVERY_STATUS_FAILED, T0.plusSeconds(1), "b"));

    ledger.claim(claim("b", "relay-1", "s1", OUTCOME_DELIVERED)); // redelivered
    ledger.claim(claim("a", "relay-1", "s1", OUTCOME_DELIVERED));
    assertThat(terminalIndex()).isEmpty();
  }

  @Test
  void listingOneTerminalsUndelivered_isNewestFirst_acrossStatuses_andPages() {
    ledger.result(result("old", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plus(LedgerTopology.PUNCTUATE_INTERVAL.multipliedBy(3)));
    assertThat(ledger.get("old").getStatus()).isEqualTo(DELIVERY_STATUS_FAILED);
    ledger.result(result("new", "T1", T0.plusSeconds(10)));
    ledger.result(result("other", "T2", T0.plusSeconds(11)));
    ledger.result(result("done", "T1", T0.plusSeconds(12)));
    ledger.claim(claim("done", "relay-1", "s1", OUTCOME_DELIVERED));

    LedgerPage all = ledger.queries.list(UNDELIVERED_OF_T1, 10, null);
    assertThat(all.deliveries()).extracting(Delivery::getResultId).containsExactly("new", "old");
    assertThat(all.next()).isNull();

    LedgerPage first = ledger.queries.list(UNDELIVERED_OF_T1, 1, null);
    assertThat(first.deliveries()).extracting(Delivery::getResultId).containsExactly("new");
    LedgerPage second = ledger.queries.list(UNDELIVERED_OF_T1, 1, first.next());
    assertThat(second.deliveries()).extracting(Delivery::getResultId).containsExactly("old");
    assertThat(second.next()).isNull();
  }

  @Test
  void listingOneTerminal_readsOnlyThePartitionThatHoldsIt() {
    ledger.result(result("a", "T1", T0));
    LedgerPartition partition0 = new LedgerPartition(
        ledger.driver.getKeyValueStore(LedgerStoreNames.RECORDS),
        ledger.driver.getKeyValueStore(LedgerStoreNames.BY_STATUS),
        ledger.driver.getKeyValueStore(LedgerStoreNames.COUNTS),
        ledger.driver.getKeyValueStore(LedgerStoreNames.BY_TERMINAL),
        ledger.driver.getKeyValueStore(LedgerStoreNames.PENDING_INDEX), 0);
    LedgerQueries t1InPartition0 = new LedgerQueries(() -> List.of(partition0), t -> 0);
    LedgerQueries t1InPartition3 = new LedgerQueries(() -> List.of(partition0), t -> 3);
    LedgerQueries unknown = new LedgerQueries(() -> List.of(partition0), t -> -1);

    assertThat(t1InPartition0.list(UNDELIVERED_OF_T1, 10, null).deliveries())
        .extracting(Delivery::getResultId).containsExactly("a");
    assertThat(t1InPartition3.list(UNDELIVERED_OF_T1, 10, null).deliveries()).isEmpty();
    assertThat(unknown.list(UNDELIVERED_OF_T1, 10, null).deliveries()).hasSize(1);
    assertThat(t1InPartition3.list(LedgerQuery.all(), 10, null).deliveries())
        .as("a listing of every terminal reads every partition").hasSize(1);
  }

  private static String key(
      String terminalId, io.posrelay.admin.v1.DeliveryStatus status, Instant receivedAt,
      String resultId) {
    return LedgerKeys.byTerminal(terminalId, status, receivedAt.toEpochMilli(), resultId);
  }

  /**
   * The terminal index's keys: the durable store's, and those of PENDING records, which are held
   * in memory ({@link PendingIndex}) under {@link PendingIndex#TERMINAL}.
   */
  private List<String> terminalIndex() {
    KeyValueStore<String, String> store =
        ledger.driver.getKeyValueStore(LedgerStoreNames.BY_TERMINAL);
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, String> it = store.all()) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    KeyValueStore<String, String> pending =
        ledger.driver.getKeyValueStore(LedgerStoreNames.PENDING_INDEX);
    try (KeyValueIterator<String, String> it = pending.all()) {
      it.forEachRemaining(kv -> {
        if (kv.key.startsWith(PendingIndex.TERMINAL)) {
          keys.add(kv.key.substring(PendingIndex.TERMINAL.length()));
        }
      });
    }
    return keys;
  }
}
