package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.v1.FailureReason;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault drill: a terminal goes half-open (stops reading and writing, sends no FIN) while a result
 * is in flight to it. The node must close it for missing its heartbeats (Error
 * CODE_IDLE_TIMEOUT after 3 silent intervals, counted), the result must be FAILED with a reason,
 * and the terminal's next Hello must get it delivered. How long after the terminal's last frame
 * the node closed it is printed, not asserted: that is timing, which a busy machine stretches.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class HalfOpenTerminalDrillTest {
  private static final Duration HEARTBEAT = Duration.ofMillis(200);

  @Test
  void halfOpenTerminal_isClosedForMissedHeartbeats_andItsResultIsRedeliveredOnReconnect(
      KafkaCluster kafka) throws Exception {
    String tid = "HALFOPEN-" + Long.toString(System.nanoTime(), 36);
    try (DrillStack stack = DrillStack.start(kafka.bootstrapServers(), 1, 1,
        b -> b.set(RelayKeys.HEARTBEAT_INTERVAL, HEARTBEAT), b -> b)) {
      RelayServer node = stack.relays.get(0);
      String resultId;
      long silentAfterNanos;
      try (SilentTerminal terminal = SilentTerminal.connect(stack.relayPort(0), tid)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> connected(node) == 1);
        String tx = Webhook.newTransactionId();
        resultId = IlkResultIds.resultIdOf(tx);
        assertThat(stack.webhook.post(Webhook.approval(tx, tid, 9_900)).statusCode())
            .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(terminal::wentSilent);
        silentAfterNanos = terminal.lastSentNanos();
        // The socket stays open on this side: no FIN, no RST, nothing read or written.
        await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(20))
            .until(() -> connected(node) == 0);
        long closedAfterMillis =
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - silentAfterNanos);
        assertThat(idleTimeouts(node)).as("closed for missing its heartbeats").isEqualTo(1);
        Delivery failed = awaitStatus(stack, resultId, DeliveryStatus.DELIVERY_STATUS_FAILED);
        System.out.printf(Locale.ROOT,
            "DRILL half-open: heartbeat %d ms, node closed the silent terminal %d ms after its"
                + " last frame (limit 3 intervals = %d ms); result FAILED %s%n",
            HEARTBEAT.toMillis(), closedAfterMillis, HEARTBEAT.toMillis() * 3,
            failed.getFailureReason());
        assertThat(failed.getFailureReason()).isNotEqualTo(FailureReason.FAILURE_REASON_UNSPECIFIED);
      }

      List<String> received = new CopyOnWriteArrayList<>();
      try (PosSimulator back = PosSimulator.start(
          List.of(HostAndPort.fromParts("127.0.0.1", stack.relayPort(0))), List.of(tid),
          r -> received.add(r.result().getResultId()))) {
        assertThat(back.awaitAllConnected(Duration.ofSeconds(10))).isTrue();
        LedgerVerdict verdict = LedgerVerdict.awaitDelivered(
            stack::adminStub, Set.of(resultId), Duration.ofSeconds(20));
        System.out.println("DRILL half-open: after reconnect " + verdict.summary());
        assertThat(verdict.lost()).isZero();
        assertThat(verdict.delivered()).isEqualTo(1);
        assertThat(received).containsExactly(resultId);
      }
    }
  }

  private static double connected(RelayServer node) {
    return node.meterRegistry().get(RelayMeters.TERMINALS_CONNECTED).gauge().value();
  }

  /** Error frames CODE_IDLE_TIMEOUT the node sent: connections it closed for silence. */
  private static double idleTimeouts(RelayServer node) {
    return node.meterRegistry().get(RelayMeters.ERRORS_SENT).tag("code", "idle_timeout")
        .counter().count();
  }

  private static Delivery awaitStatus(DrillStack stack, String resultId, DeliveryStatus status) {
    Delivery[] last = new Delivery[1];
    await().atMost(PosRelayStack.ACK_TIMEOUT.plus(PosRelayStack.CLAIM_DEADLINE).plusSeconds(5))
        .ignoreExceptions()
        .until(() -> {
          last[0] = stack.adminStub().getDelivery(
              GetDeliveryRequest.newBuilder().setResultId(resultId).build());
          return last[0].getStatus() == status;
        });
    return last[0];
  }

  /**
   * A terminal that behaves (Hello, a Ping every half heartbeat, reads everything) until the
   * first payment result arrives, then goes silent without closing: it never reads, acks or pings
   * again, and its socket stays open — to the node, a peer that vanished without FIN.
   */
  private static final class SilentTerminal implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong lastSent = new AtomicLong();
    private volatile boolean silent;

    private SilentTerminal(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
    }

    static SilentTerminal connect(int port, String terminalId) throws IOException {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setTcpNoDelay(true);
      SilentTerminal t = new SilentTerminal(socket);
      t.send(PosFrame.newBuilder().setHello(
          Hello.newBuilder().setTerminalId(terminalId).setMerchantId("M-" + terminalId)).build());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Thread reader = new Thread(() -> t.readUntilFirstResult(in), "silent-" + terminalId);
      reader.setDaemon(true);
      reader.start();
      long nonce = System.nanoTime();
      t.pinger.scheduleAtFixedRate(() -> t.ping(nonce), HEARTBEAT.toMillis() / 2,
          HEARTBEAT.toMillis() / 2, TimeUnit.MILLISECONDS);
      return t;
    }

    private synchronized void send(PosFrame frame) throws IOException {
      if (silent) {
        return;
      }
      frame.writeDelimitedTo(out);
      out.flush();
      lastSent.set(System.nanoTime());
    }

    private void ping(long nonce) {
      try {
        send(PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
      } catch (IOException e) {
        pinger.shutdown();
      }
    }

    private void readUntilFirstResult(InputStream in) {
      try {
        while (true) {
          PosFrame frame = PosFrame.parseDelimitedFrom(in);
          if (frame == null) {
            return;
          }
          if (frame.hasPaymentResult()) {
            synchronized (this) {
              silent = true; // from here on: no read, no ack, no ping, no FIN
            }
            pinger.shutdownNow();
            return;
          }
        }
      } catch (IOException e) {
        // closed: the drill fails on its own assertions
      }
    }

    boolean wentSilent() {
      return silent;
    }

    long lastSentNanos() {
      return lastSent.get();
    }

    @Override
    public void close() throws IOException {
      pinger.shutdownNow();
      socket.close();
    }
  }
}
