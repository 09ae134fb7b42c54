package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.testkit.cluster.ChildProcess;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.pos.PosSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault drill: a relay node is killed with SIGKILL (a child JVM, {@code destroyForcibly()}: no
 * drain, no claims flushed, sockets reset by the kernel) while results flow; its terminals
 * reconnect to the other node. Results in flight on the dead node are failed by the ledger's
 * backstop, those published meanwhile by its claim deadline, and recovery on reconnect delivers
 * them all. Duplicates (a result received but whose DELIVERED claim died with the node) are
 * counted and printed.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class RelayNodeKillDrillTest {
  private static final int TERMINALS = 40;
  private static final int RATE_PER_SECOND = 40;

  @Test
  void relayNodeKilledMidStream_itsTerminalsMoveToTheOtherNode_andNothingIsLost(
      KafkaCluster kafka, @TempDir Path workDir) throws Exception {
    String prefix = "KILL" + Long.toString(System.nanoTime(), 36);
    List<String> tids = new ArrayList<>();
    for (int i = 0; i < TERMINALS; i++) {
      tids.add(prefix + "-" + i);
    }
    try (DrillStack stack = DrillStack.start(kafka.bootstrapServers(), 1, 1, b -> b, b -> b)) {
      int victimPort = LocalPorts.pickFree();
      String victimNode = "drill-victim";
      try (ChildProcess victim = DrillChild.start(victimNode, List.of(
              "relay-server", "--kafka", kafka.bootstrapServers(), "--host", "127.0.0.1",
              "--port", Integer.toString(victimPort), "--management-port", "0",
              "--node-id", victimNode, "--admin-address", "127.0.0.1:" + stack.adminPort(),
              "--claim-deadline-ms", Long.toString(PosRelayStack.CLAIM_DEADLINE.toMillis()),
              "--ack-timeout-ms", Long.toString(PosRelayStack.ACK_TIMEOUT.toMillis())),
              workDir.resolve("victim.log"))) {
        victim.awaitPort(victimPort, Duration.ofSeconds(60));
        String survivorNode = stack.relays.get(0).nodeId();
        try (PosSimulator terminals = PosSimulator.start(
                List.of(HostAndPort.fromParts("127.0.0.1", victimPort),
                    HostAndPort.fromParts("127.0.0.1", stack.relayPort(0))),
                tids, r -> { });
            IlkLoad ilk = new IlkLoad(stack.webhook, tids, 5)) {
          assertThat(terminals.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
          assertThat(terminals.connectedByNode()).containsKeys(victimNode, survivorNode);
          ilk.startSteady(RATE_PER_SECOND);
          AdminRestartDrillTest.pause(Duration.ofSeconds(3));

          long killedAt = System.nanoTime();
          victim.kill();
          await().atMost(Duration.ofSeconds(20)).until(() ->
              terminals.connectedByNode().equals(Map.of(survivorNode, TERMINALS)));
          long movedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
          AdminRestartDrillTest.pause(Duration.ofSeconds(3));
          ilk.stopSending();

          LedgerVerdict verdict = LedgerVerdict.awaitDelivered(
              stack::adminStub, ilk.acceptedIds(), Duration.ofSeconds(40));
          System.out.printf(Locale.ROOT,
              "DRILL relay-kill: SIGKILL of %s; its terminals all on %s %d ms later; ilk %s;"
                  + " terminal duplicate receptions %d; %s%n",
              victimNode, survivorNode, movedMillis, ilk.summary(), terminals.duplicates(),
              verdict.summary());
          assertThat(ilk.givenUp.get()).isZero();
          assertThat(verdict.lost()).as(verdict.summary()).isZero();
          assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
        }
      }
    }
  }
}
