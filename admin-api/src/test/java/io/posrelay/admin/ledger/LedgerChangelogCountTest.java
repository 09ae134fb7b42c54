package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How many changelog records the ledger writes per delivered result (issue 14): the real topology
 * ({@link LedgerStreams}, exactly-once, the production commit interval) on the in-process broker.
 * N results over several terminals, each acked (a DELIVERED claim) soon after the ledger saw it,
 * well within its claim deadline: the normal case. Once all are DELIVERED the ledger is closed
 * (its last transaction committed) and each store's changelog is read from the start with {@code
 * read_committed}: real records only (no transaction markers, nothing aborted). Prints {@code
 * LEDGER changelog records per delivered result: …} per store; a second run with a short
 * retention and grace does the same until every record is purged, and prints what the purge adds.
 */
@Timeout(300)
class LedgerChangelogCountTest {
  private static final int RESULTS = 2_000;
  private static final int ROUND = 200;
  private static final int TERMINALS = 20;
  private static final int PARTITIONS = 3;
  private static final List<String> STORES = List.of(LedgerStoreNames.RECORDS,
      LedgerStoreNames.DUE, LedgerStoreNames.BY_STATUS, LedgerStoreNames.BY_TERMINAL,
      LedgerStoreNames.COUNTS, LedgerStoreNames.EARLY_CLAIMS);

  @TempDir static Path brokerDir;
  private static EmbeddedKafka kafka;

  @TempDir Path stateDir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start(brokerDir, freePort(), freePort(), PARTITIONS);
    KafkaTopics.awaitReady(kafka.bootstrapServers(), Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void resultsAckedWithinTheirDeadline_changelogRecordsPerResult() throws Exception {
    Map<String, Long> delivered = run("count-delivery", Duration.ofHours(24), false);
    double total = perResult(delivered);
    System.out.println("LEDGER changelog records per delivered result: " + describe(delivered));

    Map<String, Long> purged = run("count-purge", Duration.ofSeconds(3), true);
    Map<String, Long> purgeOnly = new LinkedHashMap<>();
    purged.forEach((store, n) -> purgeOnly.put(store, n - delivered.getOrDefault(store, 0L)));
    System.out.println("LEDGER changelog records per result, delivery and purge: "
        + describe(purged));
    System.out.println("LEDGER changelog records per result, purge alone (difference): "
        + describe(purgeOnly));

    assertThat(total).as("changelog records per delivered result").isPositive();
  }

  /**
   * Feeds {@value #RESULTS} results in rounds of {@value #ROUND}: a round's results, then (once
   * the ledger holds them as PENDING) a DELIVERED claim for each; waits until all are DELIVERED
   * (or, with {@code awaitPurge}, all are purged), closes the ledger, and counts the committed
   * records of each store's changelog.
   */
  private Map<String, Long> run(String name, Duration retention, boolean awaitPurge)
      throws Exception {
    String applicationId = name + "-" + Long.toString(System.nanoTime(), 36);
    TopicNames topics = new TopicNames(applicationId + ".results", applicationId + ".claims",
        applicationId + ".sessions", applicationId + ".delivery-events");
    createTopics(topics);
    ServiceConfig config = ServiceConfig.builder(AdminKeys.SPEC)
        .set(AdminKeys.APPLICATION_ID, applicationId)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
        .set(AdminKeys.STATE_DIR, stateDir.resolve(name))
        .set(AdminKeys.REPLICATION_FACTOR, 1)
        .set(ListenerKeys.HOST, "localhost")
        .set(KafkaKeys.RESULTS_TOPIC, topics.results())
        .set(KafkaKeys.CLAIMS_TOPIC, topics.claims())
        .set(KafkaKeys.SESSIONS_TOPIC, topics.sessions())
        .set(KafkaKeys.DELIVERY_EVENTS_TOPIC, topics.deliveryEvents())
        .build();
    LedgerSettings settings = new LedgerSettings(Duration.ofSeconds(30), Duration.ofSeconds(30),
        retention, Duration.ofSeconds(1), ReversalPolicy.NONE);
    LedgerStreams ledger = LedgerStreams.start(LedgerTopology.build(topics, settings, n -> { }),
        AdminKeys.ledgerProperties(config, freePort()), running -> { });
    try (KafkaProducer<String, PaymentResult> results = producer(
            EventSerdes.paymentResult().serializer());
        KafkaProducer<String, DeliveryClaim> claims = producer(
            EventSerdes.deliveryClaim().serializer())) {
      assertThat(ledger.awaitRunning(Duration.ofSeconds(60))).isTrue();
      LedgerQueries queries = new LedgerQueries(ledger::partitions, ledger::partitionOfTerminal);
      for (int round = 0; round < RESULTS / ROUND; round++) {
        List<PaymentResult> sent = new ArrayList<>();
        for (int i = 0; i < ROUND; i++) {
          int n = round * ROUND + i;
          String terminal = "T-" + (n % TERMINALS);
          PaymentResult r = TestEvents.result(applicationId + "-" + n, terminal, Instant.now());
          results.send(new ProducerRecord<>(topics.results(), terminal, r));
          sent.add(r);
        }
        results.flush();
        long held = (long) (round + 1) * ROUND;
        await().atMost(Duration.ofSeconds(60)).until(() -> total(queries) >= held);
        for (PaymentResult r : sent) {
          DeliveryClaim claim = TestEvents.claim(r.getResultId(), "relay-1", "s-1",
              DeliveryClaim.Outcome.OUTCOME_DELIVERED).toBuilder()
              .setTerminalId(r.getTerminalId()).build();
          claims.send(new ProducerRecord<>(topics.claims(), r.getTerminalId(), claim));
        }
        claims.flush();
      }
      if (awaitPurge) {
        await().atMost(Duration.ofSeconds(120)).until(() -> total(queries) == 0);
      } else {
        await().atMost(Duration.ofSeconds(60)).until(() -> count(queries,
            DeliveryStatus.DELIVERY_STATUS_DELIVERED) == RESULTS);
      }
    } finally {
      ledger.close(); // commits the open transaction
    }
    Map<String, Long> records = new LinkedHashMap<>();
    for (String store : STORES) {
      records.put(store, countCommitted(applicationId + "-" + store + "-changelog"));
    }
    return records;
  }

  private static long total(LedgerQueries queries) {
    try {
      return queries.stats(System.currentTimeMillis()).byStatus().values().stream()
          .mapToLong(Long::longValue).sum();
    } catch (LedgerUnavailableException e) {
      return -1;
    }
  }

  private static long count(LedgerQueries queries, DeliveryStatus status) {
    try {
      return queries.stats(System.currentTimeMillis()).byStatus().getOrDefault(status, 0L);
    } catch (LedgerUnavailableException e) {
      return -1;
    }
  }

  private static double perResult(Map<String, Long> records) {
    return records.values().stream().mapToLong(Long::longValue).sum() / (double) RESULTS;
  }

  private static String describe(Map<String, Long> records) {
    return String.format("%.2f (", perResult(records)) + records.entrySet().stream()
        .map(e -> String.format("%s %.2f", e.getKey(), e.getValue() / (double) RESULTS))
        .collect(Collectors.joining(", ")) + ")";
  }

  /** The committed records of {@code topic} (all partitions), read_committed from the start. */
  private static long countCommitted(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props,
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long count = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(500));
        count += polled.count();
      }
      return count;
    }
  }

  private static void createTopics(TopicNames topics) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(topics.results(), topics.claims(), topics.sessions(),
              topics.deliveryEvents()).stream()
          .map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList()).all().get();
    }
  }

  private <V> KafkaProducer<String, V> producer(Serializer<V> values) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(props, new StringSerializer(), values);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
