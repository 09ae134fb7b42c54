package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault drill: on a 3-broker cluster (topics at replication factor 3, {@code min.insync.replicas}
 * 2), the broker leading most partitions of {@code posrelay.results} is stopped while ILK posts
 * callbacks. ILK must see no failure (every callback accepted, at most after the retries ILK does
 * on a 503 — their number is printed), and every accepted result must be DELIVERED, once.
 */
@Tag("drill")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LeaderBrokerLossDrillTest {
  private static final int TERMINALS = 30;
  private static final int RATE_PER_SECOND = 50;

  @Test
  void leaderBrokerOfTheResultsStops_ilkSeesNoFailure_andEverythingIsDeliveredOnce()
      throws Exception {
    String prefix = "LEADER" + Long.toString(System.nanoTime(), 36);
    List<String> tids = new ArrayList<>();
    for (int i = 0; i < TERMINALS; i++) {
      tids.add(prefix + "-" + i);
    }
    try (KafkaCluster kafka = KafkaCluster.start(3);
        DrillStack stack = DrillStack.start(kafka.bootstrapServers(), 2, 3, b -> b, b -> b);
        PosSimulator terminals = PosSimulator.start(
            List.of(HostAndPort.fromParts("127.0.0.1", stack.relayPort(0)),
                HostAndPort.fromParts("127.0.0.1", stack.relayPort(1))),
            tids, r -> { });
        IlkLoad ilk = new IlkLoad(stack.webhook, tids, 10)) {
      assertThat(terminals.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      ilk.startSteady(RATE_PER_SECOND);
      AdminRestartDrillTest.pause(Duration.ofSeconds(2));

      int leader = leaderOfMostResultsPartitions(kafka);
      int acceptedBefore = ilk.accepted.size();
      kafka.kit().brokers().get(leader).shutdown();
      int leaderAfter = leaderOfMostResultsPartitions(kafka);
      AdminRestartDrillTest.pause(Duration.ofSeconds(4));
      ilk.stopSending();

      LedgerVerdict verdict =
          LedgerVerdict.awaitDelivered(stack::adminStub, ilk.acceptedIds(), Duration.ofSeconds(40));
      System.out.printf(Locale.ROOT,
          "DRILL leader-broker-loss: stopped broker %d (leader of most %s partitions) after %d"
              + " accepted, leadership moved to %d; ilk %s; terminal duplicates %d; %s%n",
          leader, Topics.RESULTS, acceptedBefore, leaderAfter, ilk.summary(),
          terminals.duplicates(), verdict.summary());
      assertThat(ilk.givenUp.get()).as(ilk.summary()).isZero();
      assertThat(ilk.otherStatus.get()).as(ilk.summary()).isZero();
      assertThat(verdict.lost()).as(verdict.summary()).isZero();
      assertThat(verdict.delivered()).as(verdict.summary()).isEqualTo(verdict.accepted());
      assertThat(verdict.duplicateClaims()).isZero();
      assertThat(terminals.duplicates()).isZero();
    }
  }

  private static int leaderOfMostResultsPartitions(KafkaCluster kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      TopicDescription results =
          admin.describeTopics(List.of(Topics.RESULTS)).allTopicNames()
              .get(30, TimeUnit.SECONDS).get(Topics.RESULTS);
      Map<Integer, Integer> led = new TreeMap<>();
      for (TopicPartitionInfo p : results.partitions()) {
        if (p.leader() != null) {
          led.merge(p.leader().id(), 1, Integer::sum);
        }
      }
      return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
  }
}
