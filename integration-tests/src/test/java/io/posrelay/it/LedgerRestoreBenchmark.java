package io.posrelay.it;

import static org.awaitility.Awaitility.await;

import io.posrelay.admin.AdminServer;
import io.posrelay.admin.ledger.LedgerMeters;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of docs/operations.md section 4: how fast the ledger processes a backlog, restores
 * into an empty state directory, and restarts on its own. Off by default (about a minute):
 *
 * <pre>
 * mvn -B -pl integration-tests test -Dtest=LedgerRestoreBenchmark -Dposrelay.benchmark=true \
 *     -Dposrelay.benchmark.results=100000
 * </pre>
 */
@ExtendWith(SharedKafka.class)
@EnabledIfSystemProperty(named = "posrelay.benchmark", matches = "true")
class LedgerRestoreBenchmark {
  private static final Logger log = LoggerFactory.getLogger(LedgerRestoreBenchmark.class);

  @TempDir Path dirs;

  @Test
  void processRestoreAndRestart(KafkaCluster kafka) throws Exception {
    int n = Integer.getInteger("posrelay.benchmark.results", 100_000);
    String app = "benchmark-" + System.nanoTime();
    LedgerHistory.skip(kafka, app);
    try (LedgerEvents events = new LedgerEvents(kafka.bootstrapServers())) {
      for (int i = 0; i < n; i++) {
        events.result("BENCH-" + (i % 500), "M-BENCH", Instant.now());
      }
      events.flush();
      long t0 = System.nanoTime();
      try (AdminServer a =
          PosRelayStack.startAdmin(kafka.bootstrapServers(), app, dirs.resolve("a"))) {
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200)).until(() ->
            a.meterRegistry().get(LedgerMeters.DELIVERIES).tag("status", "failed").gauge()
                .value() >= n);
        log.info("BENCHMARK processed {} results to FAILED(UNCLAIMED) in {} ms", n, millisSince(t0));
      }
      t0 = System.nanoTime();
      try (AdminServer b =
          PosRelayStack.startAdmin(kafka.bootstrapServers(), app, dirs.resolve("b"))) {
        log.info("BENCHMARK restored {} records into an empty state dir in {} ms", n,
            millisSince(t0));
      }
      t0 = System.nanoTime();
      try (AdminServer c =
          PosRelayStack.startAdmin(kafka.bootstrapServers(), app, dirs.resolve("b"))) {
        log.info("BENCHMARK restarted on its own state dir in {} ms", millisSince(t0));
      }
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
