package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.receipt.ReceiptSender;
import io.posrelay.testkit.cluster.LocalReceiptSecret;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import io.posrelay.testkit.ilk.ReceiptTally;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drill (issue 13, 5b): ILK's receipt endpoint answers 503 ({@code Retry-After: 1}) for 30
 * s while ledger transitions keep arriving, then recovers. Every receipt arrives, each terminal's
 * in the order of its results, and the sender's memory stays bounded: it never holds more delivery
 * events than its documented bound, {@code max.poll.records} per assigned partition
 * (docs/ilk-receipts.md, "Bounded while ILK is down"), however many wait in Kafka. The bound is
 * asserted on the sender's own high-water mark ({@link ReceiptSender#maxBufferedEvents}), not on
 * heap figures or timing.
 *
 * <p>The drill's tuning, so that it fits in a minute: {@code max.poll.records} 25 (a bound of 75
 * on 3 partitions, far below the events produced) and a 2 s backoff ceiling (the default 60 s
 * would add up to a minute before the first attempt after recovery).
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class ReceiptsIlkDownDrillTest {
  private static final int TERMINALS = 12;
  private static final int RESULTS = 300;
  private static final int MAX_POLL_RECORDS = 25;
  private static final Duration OUTAGE = Duration.ofSeconds(30);

  @Test
  void ilkAnswers503For30s_thenEveryReceiptArrives_inTerminalOrder_withinTheMemoryBound(
      KafkaCluster kafka, @TempDir Path dir) throws Exception {
    String run = "RCPTDOWN-" + Long.toString(System.nanoTime(), 36);
    String group = "drill-receipts-" + run;
    ReceiptStream.startGroupAtEnd(kafka, group);
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    try (IlkReceiptReceiver ilk = IlkReceiptReceiver.start(0, LocalReceiptSecret.load(dir));
        ReceiptStream stream = new ReceiptStream(kafka.bootstrapServers(), run, TERMINALS);
        IlkIngestServer ingest = IlkIngestServer.start(TestConfigs.ingest(
                kafka.bootstrapServers())
            .set(IngestKeys.ILK_RECEIPT_URL, ilk.url())
            .set(IngestKeys.ILK_RECEIPT_SECRET_FILE.name(),
                LocalReceiptSecret.file(dir).toString())
            .set(IngestKeys.ILK_RECEIPT_GROUP_ID, group)
            .set(IngestKeys.ILK_RECEIPT_BACKOFF_MAX, Duration.ofSeconds(2))
            .set("kafka.consumer.max.poll.records", Integer.toString(MAX_POLL_RECORDS))
            .build())) {
      ReceiptSender sender = ingest.receiptSender().orElseThrow();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> HealthProbe.readyStatus(ingest.managementPort()) == 200);

      ilk.answerUnavailable(true);
      AtomicLong recoveredAt = new AtomicLong();
      AtomicInteger heldAtRecovery = new AtomicInteger();
      // The outage is the scenario's length, not a wait for something to happen.
      clock.schedule(() -> {
        heldAtRecovery.set(sender.bufferedEvents());
        recoveredAt.set(System.nanoTime());
        ilk.answerUnavailable(false);
      }, OUTAGE.toMillis(), TimeUnit.MILLISECONDS);
      stream.produce(RESULTS);

      List<String> mustHaveFinalReceipt = stream.resultIds();
      // A hang guard for a busy machine: the outage, then one backoff and the drain.
      await().atMost(OUTAGE.plusSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(() -> recoveredAt.get() != 0
              && ilk.tally(mustHaveFinalReceipt).missing() == 0);
      long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveredAt.get());

      ReceiptTally tally = ilk.tally(mustHaveFinalReceipt);
      int bound = KafkaCluster.PARTITIONS * MAX_POLL_RECORDS;
      System.out.printf(Locale.ROOT, "DRILL receipts-ilk-down: %d events (%d results, %d"
              + " reversal) on %d terminals; ILK answered 503 for %d s: %d times; every receipt"
              + " arrived %d ms after recovery (backoff ceiling 2 s); duplicates %d, missing %d,"
              + " bad signatures %d, terminals out of order %d; events in memory: at most %d"
              + " (bound %d = %d partitions x max.poll.records %d), %d at recovery%n",
          stream.events(), stream.results(), stream.reversals(), TERMINALS, OUTAGE.toSeconds(),
          ilk.unavailableAnswers(), drainMillis, tally.duplicates(), tally.missing(),
          tally.badSignatures(), stream.outOfOrder(ilk.received()).size(),
          sender.maxBufferedEvents(), bound, KafkaCluster.PARTITIONS, MAX_POLL_RECORDS,
          heldAtRecovery.get());
      assertThat(ilk.unavailableAnswers()).as("ILK was down").isPositive();
      assertThat(tally.missing()).as(tally.line()).isZero();
      assertThat(tally.badSignatures()).as(tally.line()).isZero();
      assertThat(tally.delivered() + tally.reversal()).as(tally.line())
          .isEqualTo(stream.results());
      assertThat(stream.outOfOrder(ilk.received())).as("terminals whose receipts came out of"
          + " order, first arrivals").isEmpty();
      assertThat(stream.events()).as("more events than the bound, so it was tested")
          .isGreaterThan(2 * bound);
      assertThat(sender.maxBufferedEvents()).as("events held in memory at once")
          .isPositive().isLessThanOrEqualTo(bound);
    } finally {
      clock.shutdownNow();
    }
  }
}
