package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.posrelay.testkit.pos.PosSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault drill: 2,000 terminals on two nodes all drop at once and reconnect at once (a load
 * balancer or network blip), while results keep flowing. Every terminal must get a session again
 * within a bound, and every accepted result must end DELIVERED — those that found no terminal or
 * were in flight at the drop by recovery on reconnect.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class ReconnectStormDrillTest {
  private static final int TERMINALS = 2_000;
  private static final int RATE_PER_SECOND = 100;
  private static final Duration CONNECT_BOUND = Duration.ofSeconds(60);

  @Test
  void twoThousandTerminalsReconnectingAtOnce_allGetASession_andNoResultIsLost(KafkaCluster kafka)
      throws Exception {
    String prefix = "STORM" + Long.toString(System.nanoTime(), 36);
    List<String> tids = new ArrayList<>();
    for (int i = 0; i < TERMINALS; i++) {
      tids.add(prefix + "-" + i);
    }
    try (DrillStack stack = DrillStack.start(kafka.bootstrapServers());
        IlkLoad ilk = new IlkLoad(stack.webhook, tids, 5)) {
      List<HostAndPort> nodes = List.of(HostAndPort.fromParts("127.0.0.1", stack.relayPort(0)),
          HostAndPort.fromParts("127.0.0.1", stack.relayPort(1)));
      long firstStart = System.nanoTime();
      PosSimulator before = PosSimulator.start(nodes, tids, r -> { });
      long firstMillis;
      try {
        assertThat(before.awaitAllConnected(CONNECT_BOUND)).isTrue();
        firstMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstStart);
        ilk.startSteady(RATE_PER_SECOND);
        AdminRestartDrillTest.pause(Duration.ofSeconds(2));
      } finally {
        before.close(); // every terminal drops at once
      }
      long stormStart = System.nanoTime();
      try (PosSimulator after = PosSimulator.start(nodes, tids, r -> { })) {
        assertThat(after.awaitAllConnected(CONNECT_BOUND))
            .as("%s", after.summary()).isTrue();
        long stormMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stormStart);
        AdminRestartDrillTest.pause(Duration.ofSeconds(2));
        ilk.stopSending();

        LedgerVerdict verdict = LedgerVerdict.awaitDelivered(
            stack::adminStub, ilk.acceptedIds(), Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT,
            "DRILL reconnect-storm: %d terminals connected in %d ms, reconnected after the drop"
                + " in %d ms (%s); ilk %s; terminal duplicates %d; %s%n",
            TERMINALS, firstMillis, stormMillis, after.connectedByNode(), ilk.summary(),
            after.duplicates(), verdict.summary());
        assertThat(verdict.lost()).as(verdict.summary()).isZero();
        assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
      }
    }
  }
}
