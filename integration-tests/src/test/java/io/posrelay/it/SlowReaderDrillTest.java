package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.v1.FailureReason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault drill: one terminal stops reading while 100 others on the same node receive results. The
 * slow one must be failed WRITE_FAILED and disconnected; the others must all be DELIVERED. Their
 * p99 latency (POST sent → frame at the terminal) is measured in a baseline run and in the
 * slow-reader run, and printed with the ratio: a benchmark figure, not an assertion (timing on a
 * shared 2-core CI machine is too noisy to assert). Both runs carry the same load — the 100
 * terminals at the same rate plus the same flood of large results to a 101st terminal — and
 * differ only in whether that terminal reads: the baseline's reads and acks them all, the slow
 * run's stops reading. So the ratio shows what the slow reader itself costs the others, not what
 * the flood costs ingest, Kafka and the ledger.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class SlowReaderDrillTest {
  private static final int OTHERS = 100;
  private static final int OTHERS_RATE_PER_SECOND = 100;
  private static final Duration RUN = Duration.ofSeconds(8);
  /**
   * Large (1.2 KB) results a second for the terminal that stops reading: the kernel buffers of
   * a loopback connection hold about 2 MB before the node's own buffer fills, so the slow run
   * needs about 1,500 of them before the node gives up on the terminal.
   */
  private static final int FLOOD_RATE_PER_SECOND = 250;

  @Test
  void terminalThatStopsReading_isFailedWriteFailed_andOthersKeepTheirLatency(KafkaCluster kafka)
      throws Exception {
    try (DrillStack stack = DrillStack.start(kafka.bootstrapServers(), 1, 1,
        b -> b.set(RelayKeys.WRITE_BUFFER_LOW_BYTES, 2 * 1024)
            .set(RelayKeys.WRITE_BUFFER_HIGH_BYTES, 8 * 1024)
            .set(RelayKeys.WRITE_STALL_TIMEOUT, Duration.ofSeconds(1)),
        b -> b)) {
      // A discarded warm-up run first (the first run on a cold stack has a p99 several times
      // higher); then the baseline, before the slow run, whose flood (2,000 results failing)
      // keeps the ledger and Kafka busy for a while afterwards.
      run(stack, "WARMUP", false);
      Run baseline = run(stack, "BASE", false);
      Run slow = run(stack, "SLOW", true);
      System.out.printf(Locale.ROOT,
          "DRILL slow-reader: others' p99 baseline %.1f ms (p50 %.1f, %d samples), with a"
              + " terminal that stops reading %.1f ms (p50 %.1f, %d samples), ratio %.2f%n",
          baseline.p99Millis, baseline.p50Millis, baseline.samples, slow.p99Millis,
          slow.p50Millis, slow.samples, slow.p99Millis / baseline.p99Millis);
      System.out.println("DRILL slow-reader: baseline others " + baseline.verdict.summary()
          + "; flooded terminal (reading) " + baseline.floodVerdict.summary());
      System.out.println("DRILL slow-reader: slow run others " + slow.verdict.summary()
          + "; flooded terminal " + slow.floodVerdict.summary());
    }
  }

  private record Run(double p50Millis, double p99Millis, long samples, LedgerVerdict verdict,
      LedgerVerdict floodVerdict, int flooded) {}

  private Run run(DrillStack stack, String name, boolean stopReading) throws Exception {
    String prefix = name + Long.toString(System.nanoTime(), 36);
    List<String> others = new ArrayList<>();
    for (int i = 0; i < OTHERS; i++) {
      others.add(prefix + "-" + i);
    }
    String flooded = prefix + "-FLOOD";
    RelayServer node = stack.relays.get(0);
    HostAndPort address = HostAndPort.fromParts("127.0.0.1", stack.relayPort(0));
    Map<String, Long> receivedNanos = new ConcurrentHashMap<>();
    double stallsBefore = writeStalls(node);
    // Both runs flood the 101st terminal; in the baseline it is one more simulated terminal that
    // reads and acks, in the slow run a socket that stops reading.
    List<String> reading = new ArrayList<>(others);
    if (!stopReading) {
      reading.add(flooded);
    }
    try (PosSimulator terminals = PosSimulator.start(List.of(address), reading,
            r -> receivedNanos.putIfAbsent(r.result().getResultId(), r.receivedNanos()));
        Socket silent = stopReading ? connectNonReading(address.getPort(), flooded) : null;
        IlkLoad othersLoad = new IlkLoad(stack.webhook, others, 5);
        IlkLoad floodLoad = new IlkLoad(stack.webhook, List.of(flooded), 5).largeResults()) {
      assertThat(terminals.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> connected(node) == OTHERS + 1);
      othersLoad.startSteady(OTHERS_RATE_PER_SECOND);
      floodLoad.startSteady(FLOOD_RATE_PER_SECOND);
      AdminRestartDrillTest.pause(RUN);
      othersLoad.stopSending();
      floodLoad.stopSending();
      int posted = floodLoad.accepted.size();
      System.out.printf(Locale.ROOT, "DRILL slow-reader: %s run: %d results for the 100 others,"
          + " %d large results for the flooded terminal, in %d s%n", name,
          othersLoad.accepted.size(), posted, RUN.toSeconds());

      if (stopReading) {
        await().atMost(Duration.ofSeconds(10)).until(() -> writeStalls(node) > stallsBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> connected(node) == OTHERS);
      }
      LedgerVerdict verdict = LedgerVerdict.awaitDelivered(
          stack::adminStub, othersLoad.acceptedIds(), Duration.ofSeconds(30));
      assertThat(verdict.lost()).as(verdict.summary()).isZero();
      assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
      LedgerVerdict floodVerdict;
      if (stopReading) {
        // It never comes back in this drill: its results must all be FAILED with a reason.
        floodVerdict = LedgerVerdict.awaitSettled(
            stack::adminStub, floodLoad.acceptedIds(), Duration.ofSeconds(30));
        assertThat(floodVerdict.lost()).as(floodVerdict.summary()).isZero();
        assertThat(floodVerdict.failedByReason())
            .containsKey(FailureReason.FAILURE_REASON_WRITE_FAILED);
      } else {
        floodVerdict = LedgerVerdict.awaitDelivered(
            stack::adminStub, floodLoad.acceptedIds(), Duration.ofSeconds(30));
        assertThat(floodVerdict.lost()).as(floodVerdict.summary()).isZero();
      }

      Histogram micros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      othersLoad.sent.forEach((resultId, sentAt) -> {
        Long at = receivedNanos.get(resultId);
        if (at != null) {
          micros.recordValue(Math.min(micros.getHighestTrackableValue(),
              Math.max(0, (at - sentAt) / 1000)));
        }
      });
      return new Run(micros.getValueAtPercentile(50) / 1000.0,
          micros.getValueAtPercentile(99) / 1000.0, micros.getTotalCount(), verdict, floodVerdict,
          posted);
    }
  }

  /** Says Hello with a tiny receive buffer and then never reads (nor closes). */
  private static Socket connectNonReading(int port, String terminalId) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(1024);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(terminalId).setMerchantId("M-" + terminalId))
        .build()
        .writeDelimitedTo(socket.getOutputStream());
    socket.getOutputStream().flush();
    return socket;
  }

  private static double connected(RelayServer node) {
    return node.meterRegistry().get("posrelay.relay.terminals.connected").gauge().value();
  }

  private static double writeStalls(RelayServer node) {
    return node.meterRegistry().find("posrelay.relay.write.stalls").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
