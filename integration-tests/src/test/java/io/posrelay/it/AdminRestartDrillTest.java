package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * Fault drill: admin-api is stopped and started again (same application id and state directory,
 * same port) while results flow to connected terminals. Its ledger is rebuilt from Kafka, so no
 * record is lost: every accepted result ends DELIVERED, with no duplicate.
 */
@Tag("drill")
@ExtendWith(SharedKafka.class)
class AdminRestartDrillTest {
  private static final int TERMINALS = 20;
  private static final int RATE_PER_SECOND = 40;

  @Test
  void adminApiRestartMidStream_losesNoLedgerRecord(KafkaCluster kafka) throws Exception {
    String prefix = "ADMRST" + Long.toString(System.nanoTime(), 36);
    List<String> tids = new ArrayList<>();
    for (int i = 0; i < TERMINALS; i++) {
      tids.add(prefix + "-" + i);
    }
    try (DrillStack stack = DrillStack.start(kafka.bootstrapServers());
        PosSimulator terminals = PosSimulator.start(
            List.of(HostAndPort.fromParts("127.0.0.1", stack.relayPort(0)),
                HostAndPort.fromParts("127.0.0.1", stack.relayPort(1))),
            tids, r -> { });
        IlkLoad ilk = new IlkLoad(stack.webhook, tids, 5)) {
      assertThat(terminals.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      ilk.startSteady(RATE_PER_SECOND);
      pause(Duration.ofSeconds(2));

      stack.stopAdmin();
      int acceptedBeforeStop = ilk.accepted.size();
      pause(Duration.ofSeconds(2)); // results keep flowing with admin-api down
      long restartStart = System.nanoTime();
      stack.startAdminAgain();
      long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartStart);
      pause(Duration.ofSeconds(2));
      ilk.stopSending();

      LedgerVerdict verdict =
          LedgerVerdict.awaitDelivered(stack::adminStub, ilk.acceptedIds(), Duration.ofSeconds(30));
      System.out.printf(Locale.ROOT,
          "DRILL admin-restart: %d accepted before the stop, ledger RUNNING again %d ms after"
              + " start; ilk %s; terminal duplicates %d; %s%n",
          acceptedBeforeStop, restartMillis, ilk.summary(), terminals.duplicates(),
          verdict.summary());
      assertThat(ilk.givenUp.get()).isZero();
      assertThat(verdict.lost()).as(verdict.summary()).isZero();
      assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
      assertThat(verdict.duplicateClaims()).isZero();
      assertThat(terminals.duplicates()).isZero();
    }
  }

  /**
   * Lets the drill run for a while; Awaitility's poll delay, not a sleep between steps. The
   * margin of atMost is for the poller on a busy machine only: nothing is asserted on it.
   */
  static void pause(Duration duration) {
    await().pollDelay(duration).atMost(duration.plusSeconds(30)).until(() -> true);
  }
}
