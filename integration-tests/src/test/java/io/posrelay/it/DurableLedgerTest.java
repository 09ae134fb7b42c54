package io.posrelay.it;

import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_DELIVERED;
import static io.posrelay.admin.v1.DeliveryStatus.DELIVERY_STATUS_FAILED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.ListDeliveriesRequest;
import io.posrelay.admin.v1.ListDeliveriesResponse;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The ledger on Kafka Streams against a real broker: restarts, pagination under change. */
@ExtendWith(SharedKafka.class)
class DurableLedgerTest {
  private static final int RESULTS = 300;

  @TempDir Path stateDirs;

  @Test
  void restartInTheMiddleOfAStream_losesNoRecord_andEmitsNoTransitionTwice(KafkaCluster kafka)
      throws Exception {
    String run = Long.toString(System.nanoTime(), 36);
    String applicationId = "it-ledger-restart-" + run;
    List<String> delivered = new ArrayList<>();
    List<String> unclaimed = new ArrayList<>();
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService feeder = Executors.newSingleThreadScheduledExecutor();
    LedgerHistory.skip(kafka, applicationId);
    AdminServer admin = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId,
        stateDirs.resolve("first"));
    try (LedgerEvents events = new LedgerEvents(kafka.bootstrapServers())) {
      feeder.scheduleAtFixedRate(() -> {
        int i = sent.get();
        if (i >= RESULTS) {
          return;
        }
        String terminal = "RST-" + run + "-" + (i % 7);
        String id = events.result(terminal, "M-RST", Instant.now());
        if (i % 3 == 0) {
          events.claim(terminal, id, "relay-1", DeliveryClaim.Outcome.OUTCOME_CLAIMED);
          events.claim(terminal, id, "relay-1", DeliveryClaim.Outcome.OUTCOME_DELIVERED);
          synchronized (delivered) {
            delivered.add(id);
          }
        } else {
          synchronized (unclaimed) {
            unclaimed.add(id);
          }
        }
        sent.incrementAndGet();
      }, 0, 5, TimeUnit.MILLISECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> sent.get() >= RESULTS / 3);
      admin.close(); // mid-stream; the next instance restores from the changelogs elsewhere
      admin = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId,
          stateDirs.resolve("second"));
      await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= RESULTS);
      events.flush();

      ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port())
          .usePlaintext().build();
      try {
        DeliveryAdminGrpc.DeliveryAdminBlockingStub stub = DeliveryAdminGrpc.newBlockingStub(channel);
        await().atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(20))
            .pollInterval(Duration.ofMillis(250))
            .ignoreExceptionsInstanceOf(StatusRuntimeException.class) // NOT_FOUND until processed
            .untilAsserted(() -> {
              for (String id : delivered) {
                assertThat(get(stub, id).getStatus()).as(id).isEqualTo(DELIVERY_STATUS_DELIVERED);
              }
              for (String id : unclaimed) {
                Delivery d = get(stub, id);
                assertThat(d.getStatus()).as(id).isEqualTo(DELIVERY_STATUS_FAILED);
                assertThat(d.getFailureReason()).isEqualTo(FailureReason.FAILURE_REASON_UNCLAIMED);
              }
            });
      } finally {
        channel.shutdownNow();
      }

      Set<String> ids = new HashSet<>(delivered);
      ids.addAll(unclaimed);
      // let the last transaction commit before reading committed events
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(events.committedEventsAbout(ids)).hasSize(3 * delivered.size()
              + 2 * unclaimed.size()));
      Map<String, Long> perTransition = events.committedEventsAbout(ids).stream()
          .collect(Collectors.groupingBy(
              e -> e.getResultId() + " " + e.getFrom() + ">" + e.getTo(), Collectors.counting()));
      assertThat(perTransition.values()).allMatch(n -> n == 1);
      assertThat(perTransition).hasSize(3 * delivered.size() + 2 * unclaimed.size());
    } finally {
      feeder.shutdownNow();
      admin.close();
    }
  }

  @Test
  void pagination_returnsEveryRecordExactlyOnce_whileRecordsArriveAndChangeStatus(
      KafkaCluster kafka) throws Exception {
    Random random = new Random(7);
    String run = Long.toString(System.nanoTime(), 36);
    LedgerHistory.skip(kafka, "it-ledger-pages-" + run);
    AdminServer admin = PosRelayStack.startAdmin(kafka.bootstrapServers(),
        "it-ledger-pages-" + run, stateDirs.resolve("pages"));
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port())
        .usePlaintext().build();
    try (LedgerEvents events = new LedgerEvents(kafka.bootstrapServers())) {
      DeliveryAdminGrpc.DeliveryAdminBlockingStub stub = DeliveryAdminGrpc.newBlockingStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS);
      for (int round = 0; round < 3; round++) {
        String merchant = "PG-" + run + "-" + round;
        Instant base = Instant.now().minusSeconds(60);
        List<String> before = new ArrayList<>();
        Map<String, String> terminalOf = new java.util.HashMap<>();
        int n = 20 + random.nextInt(120);
        for (int i = 0; i < n; i++) {
          String terminal = "PG-" + run + "-" + random.nextInt(5);
          String id = events.result(terminal, merchant, base.plusMillis(random.nextInt(2_000)));
          before.add(id);
          terminalOf.put(id, terminal);
        }
        events.flush();
        ListDeliveriesRequest first =
            ListDeliveriesRequest.newBuilder().setMerchantId(merchant).build();
        await().atMost(Duration.ofSeconds(20)).until(
            () -> walk(stub, first.toBuilder().setPageSize(1000).build(), id -> null).size() == n);

        int pageSize = 1 + random.nextInt(20);
        List<String> seen = walk(stub, first.toBuilder().setPageSize(pageSize).build(), page -> {
          // meanwhile newer records arrive and older ones change status
          events.result("PG-" + run + "-0", merchant, Instant.now());
          String moved = before.get(random.nextInt(n));
          events.claim(terminalOf.get(moved), moved, "relay-1",
              DeliveryClaim.Outcome.OUTCOME_DELIVERED);
          events.flush();
          return null;
        });

        assertThat(seen).doesNotHaveDuplicates().containsAll(before);
      }
    } finally {
      channel.shutdownNow();
      admin.close();
    }
  }

  @Test
  void twoInstances_shareTheLedger_andGiveIdenticalAnswers(KafkaCluster kafka) throws Exception {
    String run = Long.toString(System.nanoTime(), 36);
    String applicationId = "it-ledger-two-" + run;
    String merchant = "TWO-" + run;
    LedgerHistory.skip(kafka, applicationId);
    AdminServer first = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId,
        stateDirs.resolve("two-a"));
    AdminServer second = null;
    ManagedChannel channelA = null;
    ManagedChannel channelB = null;
    try (LedgerEvents events = new LedgerEvents(kafka.bootstrapServers())) {
      second = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId,
          stateDirs.resolve("two-b"));
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String terminal = "TWO-" + run + "-" + i % 12; // spread over every partition
        String id = events.result(terminal, merchant, Instant.now());
        ids.add(id);
        if (i % 2 == 0) {
          events.claim(terminal, id, "relay-1", DeliveryClaim.Outcome.OUTCOME_DELIVERED);
        }
      }
      events.flush();
      channelA = ManagedChannelBuilder.forAddress("127.0.0.1", first.port()).usePlaintext().build();
      channelB = ManagedChannelBuilder.forAddress("127.0.0.1", second.port()).usePlaintext().build();
      DeliveryAdminGrpc.DeliveryAdminBlockingStub a = DeliveryAdminGrpc.newBlockingStub(channelA);
      DeliveryAdminGrpc.DeliveryAdminBlockingStub b = DeliveryAdminGrpc.newBlockingStub(channelB);
      ListDeliveriesRequest listing =
          ListDeliveriesRequest.newBuilder().setMerchantId(merchant).setPageSize(7).build();

      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .ignoreExceptionsInstanceOf(StatusRuntimeException.class) // UNAVAILABLE while rebalancing
          .untilAsserted(() -> {
            try (var admin = kafka.admin()) {
              var group = admin.describeConsumerGroups(List.of(applicationId)).all().get()
                  .get(applicationId);
              // both joined; a newcomer without state may get only warm-up tasks at first, and
              // then answers through the other (fan-out), otherwise both answer (merge)
              assertThat(group.members()).hasSize(2);
            }
            List<String> viaA = walk(a.withDeadlineAfter(10, TimeUnit.SECONDS), listing, p -> null);
            assertThat(viaA).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(walk(b.withDeadlineAfter(10, TimeUnit.SECONDS), listing, p -> null))
                .isEqualTo(viaA);
            for (String id : ids) { // settled: no deadline will change them during the checks
              assertThat(get(a, id).getStatus()).isIn(DELIVERY_STATUS_DELIVERED, DELIVERY_STATUS_FAILED);
            }
          });
      for (String id : ids) {
        assertThat(get(b, id)).isEqualTo(get(a, id));
      }
      assertThat(b.getStats(GetStatsRequest.getDefaultInstance()).getStatusCountsList())
          .isEqualTo(a.getStats(GetStatsRequest.getDefaultInstance()).getStatusCountsList());
      // A listing of one terminal goes only to the instance that holds its partition (Kafka
      // Streams' metadata), or is answered where it is asked: the same records either way.
      for (int t = 0; t < 12; t++) {
        String terminal = "TWO-" + run + "-" + t;
        List<String> expected = new ArrayList<>();
        for (int i = t; i < ids.size(); i += 12) {
          expected.add(ids.get(i));
        }
        ListDeliveriesRequest one =
            ListDeliveriesRequest.newBuilder().setTerminalId(terminal).setPageSize(2).build();
        List<String> viaA = walk(a.withDeadlineAfter(10, TimeUnit.SECONDS), one, p -> null);
        assertThat(viaA).as(terminal).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(walk(b.withDeadlineAfter(10, TimeUnit.SECONDS), one, p -> null))
            .as(terminal).isEqualTo(viaA);
      }
    } finally {
      if (channelA != null) {
        channelA.shutdownNow();
      }
      if (channelB != null) {
        channelB.shutdownNow();
      }
      if (second != null) {
        second.close();
      }
      first.close();
    }
  }

  @Test
  void stateDirectoryLeftFromAnotherCluster_isDiscarded_andTheLedgerRebuilt(KafkaCluster kafka)
      throws Exception {
    String run = Long.toString(System.nanoTime(), 36);
    String applicationId = "it-ledger-stale-" + run;
    Path stateDir = stateDirs.resolve("stale");
    var start = LedgerHistory.now(kafka);
    LedgerHistory.startFrom(kafka, applicationId, start);
    String oldId;
    try (LedgerEvents events = new LedgerEvents(kafka.bootstrapServers())) {
      AdminServer admin = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId,
          stateDir);
      try {
        oldId = events.result("STALE-" + run, "M-STALE", Instant.now());
        events.flush();
        awaitStatus(admin, oldId, DELIVERY_STATUS_FAILED);
      } finally {
        admin.close(); // clean close: checkpoints written
      }
      // what a fresh cluster looks like to the ledger: no changelogs, no committed offsets
      try (var kafkaAdmin = kafka.admin()) {
        List<String> changelogs = kafkaAdmin.listTopics().names().get().stream()
            .filter(t -> t.startsWith(applicationId + "-")).toList();
        assertThat(changelogs).isNotEmpty();
        kafkaAdmin.deleteTopics(changelogs).all().get();
        kafkaAdmin.deleteConsumerGroups(List.of(applicationId)).all().get();
        await().atMost(Duration.ofSeconds(10)).until(() -> kafkaAdmin.listTopics().names().get()
            .stream().noneMatch(t -> t.startsWith(applicationId + "-")));
      }
      LedgerHistory.startFrom(kafka, applicationId, start); // as a new cluster: from the start

      admin = PosRelayStack.startAdmin(kafka.bootstrapServers(), applicationId, stateDir);
      try {
        String newId = events.result("STALE-" + run, "M-STALE", Instant.now());
        events.flush();
        awaitStatus(admin, newId, DELIVERY_STATUS_FAILED);
        awaitStatus(admin, oldId, DELIVERY_STATUS_FAILED); // rebuilt from posrelay.results
      } finally {
        admin.close();
      }
    }
  }

  private static void awaitStatus(AdminServer admin, String id, DeliveryStatus status)
      throws InterruptedException {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", admin.port())
        .usePlaintext().build();
    try {
      DeliveryAdminGrpc.DeliveryAdminBlockingStub stub = DeliveryAdminGrpc.newBlockingStub(channel);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
          .until(() -> get(stub, id).getStatus() == status);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static List<String> walk(DeliveryAdminGrpc.DeliveryAdminBlockingStub stub,
      ListDeliveriesRequest first, Function<Integer, Void> betweenPages) {
    List<String> seen = new ArrayList<>();
    ListDeliveriesRequest request = first;
    for (int page = 0; page < 10_000; page++) {
      ListDeliveriesResponse response = stub.listDeliveries(request);
      response.getDeliveriesList().forEach(d -> seen.add(d.getResultId()));
      if (response.getNextPageToken().isEmpty()) {
        return seen;
      }
      betweenPages.apply(page);
      request = request.toBuilder().setPageToken(response.getNextPageToken()).build();
    }
    throw new AssertionError("more than 10,000 pages");
  }

  private static Delivery get(DeliveryAdminGrpc.DeliveryAdminBlockingStub stub, String id) {
    return stub.withDeadlineAfter(10, TimeUnit.SECONDS)
        .getDelivery(GetDeliveryRequest.newBuilder().setResultId(id).build());
  }
}
