package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.kafka.EmbeddedKafka;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One ledger application ({@link LedgerStreams} over {@link LedgerTopology}, exactly-once, the
 * production commit interval) on an in-process broker, with topics of its own, producers of
 * results and claims, and its queries. Close it after each test (it closes the ledger, not the
 * broker).
 */
final class LedgerOnBroker implements AutoCloseable {
  static final int PARTITIONS = 3;

  final EmbeddedKafka kafka;
  final String applicationId;
  final TopicNames topics;
  private final LedgerSettings settings;
  private final KafkaProducer<String, PaymentResult> results;
  private final KafkaProducer<String, DeliveryClaim> claims;
  private LedgerStreams ledger;
  private LedgerQueries queries;

  /** Creates the application's topics; {@link #start} starts its ledger. */
  LedgerOnBroker(EmbeddedKafka kafka, String name, LedgerSettings settings) throws Exception {
    this.kafka = kafka;
    this.applicationId = name + "-" + Long.toString(System.nanoTime(), 36);
    this.topics = new TopicNames(applicationId + ".results", applicationId + ".claims",
        applicationId + ".sessions", applicationId + ".delivery-events");
    this.settings = settings;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        kafka.bootstrapServers()))) {
      admin.createTopics(List.of(topics.results(), topics.claims(), topics.sessions(),
              topics.deliveryEvents()).stream()
          .map(t -> new NewTopic(t, PARTITIONS, (short) 1)).toList()).all().get();
    }
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    results = new KafkaProducer<>(props, new StringSerializer(),
        EventSerdes.paymentResult().serializer());
    claims = new KafkaProducer<>(props, new StringSerializer(),
        EventSerdes.deliveryClaim().serializer());
  }

  /** Starts (or restarts) the ledger with its state in {@code stateDir}; waits until RUNNING. */
  void start(Path stateDir) throws Exception {
    ServiceConfig config = ServiceConfig.builder(AdminKeys.SPEC)
        .set(AdminKeys.APPLICATION_ID, applicationId)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
        .set(AdminKeys.STATE_DIR, stateDir)
        .set(ListenerKeys.HOST, "localhost")
        .set(KafkaKeys.RESULTS_TOPIC, topics.results())
        .set(KafkaKeys.CLAIMS_TOPIC, topics.claims())
        .set(KafkaKeys.SESSIONS_TOPIC, topics.sessions())
        .set(KafkaKeys.DELIVERY_EVENTS_TOPIC, topics.deliveryEvents())
        .build();
    ledger = LedgerStreams.start(LedgerTopology.build(topics, settings, n -> { }),
        AdminKeys.ledgerProperties(config, LocalPorts.pickFree()), running -> { });
    assertThat(ledger.awaitRunning(Duration.ofSeconds(60))).as("ledger RUNNING").isTrue();
    queries = new LedgerQueries(ledger::partitions, ledger::partitionOfTerminal);
  }

  /** Closes the ledger: commits its open transaction and leaves the group. */
  void stop() {
    if (ledger != null) {
      ledger.close();
      ledger = null;
    }
  }

  LedgerQueries queries() {
    return queries;
  }

  void send(PaymentResult result) {
    results.send(new ProducerRecord<>(topics.results(), result.getTerminalId(), result));
  }

  /** A DELIVERED claim for {@code result} from relay-1. */
  void sendDelivered(PaymentResult result) {
    DeliveryClaim claim = TestEvents.claim(result.getResultId(), "relay-1", "s-1",
        DeliveryClaim.Outcome.OUTCOME_DELIVERED).toBuilder()
        .setTerminalId(result.getTerminalId()).build();
    claims.send(new ProducerRecord<>(topics.claims(), result.getTerminalId(), claim));
  }

  void flush() {
    results.flush();
    claims.flush();
  }

  /** Records held in every status; -1 while the ledger cannot be read. */
  long total() {
    try {
      return queries.stats(System.currentTimeMillis()).byStatus().values().stream()
          .mapToLong(Long::longValue).sum();
    } catch (LedgerUnavailableException e) {
      return -1;
    }
  }

  /** Records held in {@code status}; -1 while the ledger cannot be read. */
  long count(DeliveryStatus status) {
    try {
      return queries.stats(System.currentTimeMillis()).byStatus().getOrDefault(status, 0L);
    } catch (LedgerUnavailableException e) {
      return -1;
    }
  }

  /**
   * The committed records of the changelog of {@code store} (all partitions), read with {@code
   * read_committed} from the start to the end: real records, no transaction marker, nothing
   * aborted.
   */
  long changelogRecords(String store) {
    String topic = applicationId + "-" + store + "-changelog";
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
        count += consumer.poll(Duration.ofMillis(500)).count();
      }
      return count;
    }
  }

  @Override
  public void close() {
    stop();
    results.close();
    claims.close();
  }

  /**
   * A broker of its own for a test class, on two distinct free loopback ports, ready for topics
   * (at most 60 s); close it after the class.
   */
  static EmbeddedKafka startBroker(Path dataDir) throws Exception {
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, LocalPorts.orFree(0, taken),
        LocalPorts.orFree(0, taken), PARTITIONS);
    KafkaTopics.awaitReady(kafka.bootstrapServers(), Duration.ofSeconds(60));
    return kafka;
  }
}
