package io.posrelay.it;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_PENDING;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.ReversalKeys;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.v1.DeliveryClaim;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reversal decision is the ledger's state: it survives a restart that restores the stores from
 * their changelogs on an empty state directory (no second decision, the conflict rule still
 * applies), and a restart with a backlog applies an ack already in Kafka before deciding.
 */
@ExtendWith(SharedKafka.class)
class ReversalRestartTest {
  private static final Duration REVERSAL_DEADLINE = Duration.ofSeconds(3);

  @TempDir Path stateDirs;
  private final Map<Integer, ManagedChannel> channels = new ConcurrentHashMap<>();

  @Test
  void decision_survivesARestoreFromTheChangelogs_andABacklogAckWinsOverTheDeadline(
      KafkaCluster kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String run = Long.toString(System.nanoTime(), 36);
    String applicationId = "it-reversal-restart-" + run;
    String terminal = "RVR-" + run;
    LedgerHistory.skip(kafka, applicationId);
    AdminServer first = start(bootstrap, applicationId, stateDirs.resolve("first"));
    AdminServer admin = first;
    try (LedgerEvents events = new LedgerEvents(bootstrap)) {
      String decided = events.result(terminal, "M-RVR", Instant.now());
      events.flush();
      await().atMost(REVERSAL_DEADLINE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(() -> get(first, decided).getStatus() == DELIVERY_STATUS_REVERSAL_REQUIRED);
      Delivery before = get(first, decided);
      first.close();

      // While no instance runs: a result and its ack, both in Kafka before the next start.
      String acked = events.result(terminal, "M-RVR", Instant.now());
      events.claim(terminal, acked, "relay-1", DeliveryClaim.Outcome.OUTCOME_DELIVERED);
      events.flush();
      long stoppedAt = System.nanoTime();
      // The result's reversal deadline passes on the wall clock while nobody runs the ledger: the
      // next instance starts with the result and its ack as a backlog, past the deadline.
      AdminRestartDrillTest.pause(REVERSAL_DEADLINE.plusSeconds(1));
      admin = start(bootstrap, applicationId, stateDirs.resolve("second")); // empty: restore
      long restartMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
      AdminServer restarted = admin;

      Delivery after = get(restarted, decided);
      assertThat(after.getStatus()).isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);
      assertThat(after.getReversalRequiredAt()).isEqualTo(before.getReversalRequiredAt());
      assertThat(stub(restarted).listDeliveries(ListDeliveriesRequest.newBuilder()
              .setTerminalId(terminal).addStatuses(DELIVERY_STATUS_FAILED)
              .addStatuses(DELIVERY_STATUS_PENDING).build()).getDeliveriesList()).isEmpty();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> get(restarted, acked).getStatus() == DELIVERY_STATUS_DELIVERED);

      events.claim(terminal, decided, "relay-1", DeliveryClaim.Outcome.OUTCOME_DELIVERED);
      events.flush();
      await().atMost(Duration.ofSeconds(20)).until(() -> get(restarted, decided).hasConflict());
      assertThat(get(restarted, decided).getStatus())
          .isEqualTo(DELIVERY_STATUS_REVERSAL_REQUIRED);

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        List<DeliveryEvent> committed = events.committedEventsAbout(Set.of(decided, acked));
        assertThat(committed).filteredOn(e -> e.getResultId().equals(decided)
            && e.getTo() == DELIVERY_STATUS_REVERSAL_REQUIRED && !e.getConflict()).hasSize(1);
        assertThat(committed).filteredOn(DeliveryEvent::getConflict).hasSize(1);
        assertThat(committed).filteredOn(e -> e.getResultId().equals(acked))
            .extracting(DeliveryEvent::getTo)
            .doesNotContain(DELIVERY_STATUS_REVERSAL_REQUIRED);
      });
      System.out.printf("DRILL reversal-restart: ledger down %d ms (restore on an empty state"
          + " directory included), longer than the %d ms reversal deadline; the decision restored"
          + " unchanged, no second decision; the backlog's ack applied before the deadline was"
          + " judged (DELIVERED); a late ack after the restart is one conflict%n",
          restartMillis, REVERSAL_DEADLINE.toMillis());
    } finally {
      admin.close();
    }
  }

  private static AdminServer start(String bootstrap, String applicationId, Path stateDir)
      throws Exception {
    return PosRelayStack.startAdmin(TestConfigs.admin(bootstrap, applicationId, stateDir)
        .set(ReversalKeys.DEADLINE, REVERSAL_DEADLINE)
        .build());
  }

  /** One channel per admin-api port, shut down when the test ends. */
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub stub(AdminServer admin) {
    ManagedChannel channel = channels.computeIfAbsent(admin.port(), port ->
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    return DeliveryAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private Delivery get(AdminServer admin, String resultId) {
    return stub(admin).getDelivery(GetDeliveryRequest.newBuilder().setResultId(resultId).build());
  }

  @AfterEach
  void closeChannels() {
    channels.values().forEach(ManagedChannel::shutdownNow);
  }
}
