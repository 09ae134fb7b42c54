package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.cluster.LocalReceiptSecret;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import io.posrelay.testkit.ilk.ReceiptTally;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drill (issue 13, 5a): the ilk-ingest process that sends receipts to ILK (a child JVM,
 * {@link DrillChild}) is killed with SIGKILL in the middle of a stream of ledger transitions; more
 * transitions arrive while it is down and after it is back. After its restart every result has its
 * final receipt (missing 0), every one signed; receipts sent twice are counted, not failed: the
 * sender promises at least once, and ILK deduplicates by {@code Idempotency-Key}.
 *
 * <p>The restarted process joins the same consumer group, so it gets the killed member's partitions
 * once the coordinator has missed that member's heartbeats ({@code session.timeout.ms}, 10 s), and
 * re-sends from the last committed offsets.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class ReceiptsKillDrillTest {
  private static final int TERMINALS = 12;
  /** Results produced before the kill, while the sender is down, and after its restart. */
  private static final int BEFORE = 300;
  private static final int WHILE_DOWN = 150;
  private static final int AFTER = 150;
  /** The kill comes once this many receipts arrived: the first batch is still being sent. */
  private static final int KILL_AFTER = 60;

  @Test
  void killedReceiptSender_restarted_everyResultGetsItsFinalReceipt_noneMissing(
      KafkaCluster kafka, @TempDir Path dir) throws Exception {
    String run = "RCPTKILL-" + Long.toString(System.nanoTime(), 36);
    String group = "drill-receipts-" + run;
    ReceiptStream.startGroupAtEnd(kafka, group);
    try (IlkReceiptReceiver ilk = IlkReceiptReceiver.start(0, LocalReceiptSecret.load(dir));
        ReceiptStream stream = new ReceiptStream(kafka.bootstrapServers(), run, TERMINALS)) {
      List<String> args = List.of("ilk-ingest", "--kafka", kafka.bootstrapServers(),
          "--host", LocalPorts.LOOPBACK, "--ilk-receipt-url", ilk.url(),
          "--ilk-receipt-secret-file", LocalReceiptSecret.file(dir).toString(),
          "--ilk-receipt-group-id", group);
      ChildProcess sender = start(args, dir.resolve("ilk-ingest-1.log"));
      int killedAfter;
      try {
        stream.produce(BEFORE);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
            .until(() -> ilk.received().size() >= KILL_AFTER);
        sender.kill(); // returns once the process is gone: nothing more is sent by it
        killedAfter = ilk.received().size();
      } finally {
        sender.close();
      }
      stream.produce(WHILE_DOWN);
      long restartedAt = System.nanoTime();
      ChildProcess restarted = start(args, dir.resolve("ilk-ingest-2.log"));
      try {
        stream.produce(AFTER);
        List<String> mustHaveFinalReceipt = stream.resultIds();
        // A hang guard for a busy machine: JVM start, the 10 s session timeout, one rebalance.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
            .until(() -> ilk.tally(mustHaveFinalReceipt).missing() == 0);
        long drainedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);

        ReceiptTally tally = ilk.tally(mustHaveFinalReceipt);
        int received = ilk.received().size();
        System.out.printf(Locale.ROOT, "DRILL receipts-kill: %d events (%d results, %d reversal),"
                + " killed after %d receipts, restarted; received %d, duplicates %d, missing %d,"
                + " bad signatures %d (all final receipts %d ms after the restart began)%n",
            stream.events(), stream.results(), stream.reversals(), killedAfter, received,
            tally.duplicates(), tally.missing(), tally.badSignatures(), drainedMillis);
        assertThat(killedAfter).as("killed mid-stream").isBetween(KILL_AFTER, BEFORE);
        assertThat(tally.missing()).as(tally.line()).isZero();
        assertThat(tally.badSignatures()).as(tally.line()).isZero();
        assertThat(tally.delivered() + tally.reversal()).as(tally.line())
            .isEqualTo(stream.results());
        assertThat(tally.reversal()).as(tally.line()).isEqualTo(stream.reversals());
        assertThat(received).isEqualTo(stream.results() + tally.duplicates());
        assertThat(stream.outOfOrder(ilk.received())).as("terminals whose receipts came out of"
            + " order, first arrivals").isEmpty();
      } finally {
        restarted.close();
      }
    }
  }

  /** Starts ilk-ingest with receipts on, in a child JVM, and waits until it is ready. */
  private static ChildProcess start(List<String> args, Path logFile) throws Exception {
    int management = LocalPorts.pickFree();
    ChildProcess child = DrillChild.start("ilk-ingest", concat(args, "--port",
        Integer.toString(LocalPorts.pickFree()), "--management-port",
        Integer.toString(management)), logFile);
    try {
      child.awaitHttpOk("http://" + LocalPorts.LOOPBACK + ":" + management
          + ManagementServer.READY_PATH, Duration.ofSeconds(60));
    } catch (RuntimeException | InterruptedException e) {
      child.close();
      throw e;
    }
    return child;
  }

  private static List<String> concat(List<String> args, String... more) {
    return java.util.stream.Stream.concat(args.stream(), java.util.Arrays.stream(more)).toList();
  }
}
