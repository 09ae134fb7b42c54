package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.v1.PaymentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many changelog records the ledger writes per delivered result (issue 14): the real topology
 * ({@link LedgerStreams}, exactly-once, the production commit interval) on the in-process broker.
 * N results over several terminals, each acked (a DELIVERED claim) soon after the ledger saw it,
 * well within its claim deadline: the normal case. Once all are DELIVERED the ledger is closed
 * (its last transaction committed) and each store's changelog is read from the start with {@code
 * read_committed}: real records only (no transaction markers, nothing aborted). Prints {@code
 * LEDGER changelog records per delivered result: …} per store; a second run with a short
 * retention and grace does the same until every record is purged, and prints what the purge adds.
 */
@Timeout(300)
class LedgerChangelogCountTest {
  private static final int RESULTS = 2_000;
  private static final int ROUND = 200;
  private static final int TERMINALS = 20;
  private static final List<String> STORES = List.of(LedgerStoreNames.RECORDS,
      LedgerStoreNames.DUE, LedgerStoreNames.BY_STATUS, LedgerStoreNames.BY_TERMINAL,
      LedgerStoreNames.COUNTS, LedgerStoreNames.EARLY_CLAIMS);

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
  void resultsAckedWithinTheirDeadline_changelogRecordsPerResult() throws Exception {
    Map<String, Long> delivered = run("count-delivery", Duration.ofHours(24), false);
    long total = delivered.values().stream().mapToLong(Long::longValue).sum();
    System.out.println("LEDGER changelog records per delivered result: " + describe(delivered));
    // A result whose ack the ledger processed in a later commit than the result itself has its
    // PENDING record and PENDING due key committed first: one more record put, and the due key's
    // put and tombstone. Each such result adds exactly one ledger-records write.
    // The counters (ledger-counts) are written once per commit whatever the results, not per
    // result: left out of the per-result bound.
    long crossed = delivered.get(LedgerStoreNames.RECORDS) - RESULTS;
    long counters = delivered.get(LedgerStoreNames.COUNTS);
    double withinCommit = (total - counters - 6.0 * crossed) / (RESULTS - crossed);
    System.out.printf("LEDGER changelog records per delivered result acked within the commit"
        + " interval that saw it: %.2f; %d of %d results (%.1f %%) were acked after a commit"
        + " and wrote 6; ledger-counts wrote %d in all (once per commit, not per result)%n",
        withinCommit, crossed, RESULTS, 100.0 * crossed / RESULTS, counters);

    Map<String, Long> purged = run("count-purge", Duration.ofSeconds(3), true);
    Map<String, Long> purgeOnly = new LinkedHashMap<>();
    purged.forEach((store, n) -> purgeOnly.put(store, n - delivered.getOrDefault(store, 0L)));
    System.out.println("LEDGER changelog records per result, delivery and purge: "
        + describe(purged));
    System.out.println("LEDGER changelog records per result, purge alone (difference): "
        + describe(purgeOnly));

    assertThat(delivered.get(LedgerStoreNames.BY_STATUS)).as("ledger-by-status")
        .isEqualTo(RESULTS);
    assertThat(delivered.get(LedgerStoreNames.BY_TERMINAL)).as("ledger-by-terminal").isZero();
    assertThat(delivered.get(LedgerStoreNames.EARLY_CLAIMS)).as("ledger-early-claims").isZero();
    assertThat(delivered.get(LedgerStoreNames.DUE)).as("ledger-due")
        .isLessThanOrEqualTo(RESULTS + 2 * crossed);
    assertThat(withinCommit).as("changelog records per result acked within its commit interval")
        .isLessThanOrEqualTo(3.0);
  }

  /**
   * Feeds {@value #RESULTS} results in rounds of {@value #ROUND}: a round's results, then (once
   * the ledger holds them as PENDING) a DELIVERED claim for each; waits until all are DELIVERED
   * (or, with {@code awaitPurge}, all are purged), closes the ledger, and counts the committed
   * records of each store's changelog.
   */
  private Map<String, Long> run(String name, Duration retention, boolean awaitPurge)
      throws Exception {
    LedgerSettings settings = new LedgerSettings(Duration.ofSeconds(30), Duration.ofSeconds(30),
        retention, Duration.ofSeconds(1), ReversalPolicy.NONE);
    Map<String, Long> records = new LinkedHashMap<>();
    try (LedgerOnBroker ledger = new LedgerOnBroker(kafka, name, settings)) {
      ledger.start(stateDir.resolve(name));
      for (int round = 0; round < RESULTS / ROUND; round++) {
        List<PaymentResult> sent = new ArrayList<>();
        for (int i = 0; i < ROUND; i++) {
          int n = round * ROUND + i;
          PaymentResult r = TestEvents.result(ledger.applicationId + "-" + n,
              "T-" + (n % TERMINALS), Instant.now());
          ledger.send(r);
          sent.add(r);
        }
        ledger.flush();
        long held = (long) (round + 1) * ROUND;
        // Acked as soon as the ledger holds the round (polled every 5 ms), as a relay acks in
        // milliseconds; a commit may still come in between for some (reported, 6 each).
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5))
            .atMost(Duration.ofSeconds(60)).until(() -> ledger.total() >= held);
        sent.forEach(ledger::sendDelivered);
        ledger.flush();
      }
      if (awaitPurge) {
        await().atMost(Duration.ofSeconds(120)).until(() -> ledger.total() == 0);
      } else {
        await().atMost(Duration.ofSeconds(60))
            .until(() -> ledger.count(DeliveryStatus.DELIVERY_STATUS_DELIVERED) == RESULTS);
      }
      ledger.stop(); // commits the open transaction
      for (String store : STORES) {
        records.put(store, ledger.changelogRecords(store));
      }
    }
    return records;
  }

  private static double perResult(Map<String, Long> records) {
    return records.values().stream().mapToLong(Long::longValue).sum() / (double) RESULTS;
  }

  private static String describe(Map<String, Long> records) {
    return String.format("%.2f (", perResult(records)) + records.entrySet().stream()
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) RESULTS))
        .collect(Collectors.joining(", ")) + ")";
  }
}
