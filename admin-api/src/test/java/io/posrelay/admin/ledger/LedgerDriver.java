package io.posrelay.admin.ledger;

import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The ledger topology in a {@link TopologyTestDriver} (one partition, mocked wall clock), with
 * {@link LedgerQueries} over its stores. Its properties and topic names come from admin-api's keys
 * as in production ({@link AdminKeys#ledgerProperties}, {@link KafkaKeys#topics}). Close it after
 * each test.
 */
public final class LedgerDriver implements AutoCloseable {
  public static final Duration CLAIM_DEADLINE = Duration.ofSeconds(3);
  public static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration RETENTION = Duration.ofHours(24);
  public static final Duration GRACE = Duration.ofHours(1);

  public final TopologyTestDriver driver;
  /** Duplicate claims the processor reported, as admin-api's counter counts them. */
  public final AtomicInteger duplicateClaimsCounted = new AtomicInteger();
  private final TestInputTopic<String, PaymentResult> results;
  private final TestInputTopic<String, DeliveryClaim> claims;
  private final TestOutputTopic<String, DeliveryEvent> events;
  public final LedgerQueries queries;
  private Instant now;

  /**
   * A ledger over the default topic names that takes no reversal decisions ({@link
   * ReversalPolicy#NONE}): the tests of the other deadlines keep approvals FAILED past 60 s.
   */
  public LedgerDriver(Path stateDir, Instant start) {
    this(stateDir, start, TopicNames.DEFAULT);
  }

  /** A ledger over the default topic names with {@code reversal}. */
  public LedgerDriver(Path stateDir, Instant start, ReversalPolicy reversal) {
    this(stateDir, start, TopicNames.DEFAULT, reversal);
  }

  /** A ledger over the topics of {@code names}, as configured with the {@code topic.*} keys. */
  public LedgerDriver(Path stateDir, Instant start, TopicNames names) {
    this(stateDir, start, names, ReversalPolicy.NONE);
  }

  private LedgerDriver(Path stateDir, Instant start, TopicNames names, ReversalPolicy reversal) {
    ServiceConfig config = ServiceConfig.builder(AdminKeys.SPEC)
        .set(AdminKeys.APPLICATION_ID, "ledger-test")
        .set(KafkaKeys.BOOTSTRAP_SERVERS, "unused:9092")
        .set(AdminKeys.STATE_DIR, stateDir)
        .set(AdminKeys.COMMIT_INTERVAL, Duration.ofMillis(100))
        .set(ListenerKeys.HOST, "localhost")
        .set(KafkaKeys.RESULTS_TOPIC, names.results())
        .set(KafkaKeys.CLAIMS_TOPIC, names.claims())
        .set(KafkaKeys.SESSIONS_TOPIC, names.sessions())
        .set(KafkaKeys.DELIVERY_EVENTS_TOPIC, names.deliveryEvents())
        .build();
    Properties props = AdminKeys.ledgerProperties(config, 1);
    TopicNames topics = KafkaKeys.topics(config);
    driver = new TopologyTestDriver(
        LedgerTopology.build(topics,
            new LedgerSettings(CLAIM_DEADLINE, ACK_TIMEOUT, RETENTION, GRACE, reversal),
            duplicateClaimsCounted::addAndGet), props, start);
    now = start;
    results = driver.createInputTopic(topics.results(), Serdes.String().serializer(),
        EventSerdes.paymentResult().serializer());
    claims = driver.createInputTopic(topics.claims(), Serdes.String().serializer(),
        EventSerdes.deliveryClaim().serializer());
    events = driver.createOutputTopic(topics.deliveryEvents(), Serdes.String().deserializer(),
        EventSerdes.deliveryEvent().deserializer());
    queries = new LedgerQueries(() -> List.of(new LedgerPartition(
        driver.getKeyValueStore(LedgerStoreNames.RECORDS),
        driver.getKeyValueStore(LedgerStoreNames.BY_STATUS),
        driver.getKeyValueStore(LedgerStoreNames.COUNTS),
        driver.getKeyValueStore(LedgerStoreNames.BY_TERMINAL),
        driver.getKeyValueStore(LedgerStoreNames.PENDING_INDEX), 0)), terminalId -> 0);
  }

  public void result(PaymentResult result) {
    results.pipeInput(result.getTerminalId(), result, now);
  }

  public void claim(DeliveryClaim claim) {
    claims.pipeInput(claim.getTerminalId(), claim, now);
  }

  /** A result whose record timestamp (producer time) is {@code timestamp}, as in a backlog. */
  public void result(PaymentResult result, Instant timestamp) {
    results.pipeInput(result.getTerminalId(), result, timestamp);
  }

  /** A claim whose record timestamp (producer time) is {@code timestamp}, as in a backlog. */
  public void claim(DeliveryClaim claim, Instant timestamp) {
    claims.pipeInput(claim.getTerminalId(), claim, timestamp);
  }

  /** Moves the wall clock, firing due punctuations. */
  public void advance(Duration by) {
    now = now.plus(by);
    driver.advanceWallClockTime(by);
  }

  public Instant now() {
    return now;
  }

  public Delivery get(String resultId) {
    return queries.get(resultId).orElseThrow(() -> new AssertionError("no " + resultId));
  }

  /** The events written since the last call, in order. */
  public List<DeliveryEvent> events() {
    return events.readValuesToList();
  }

  /** The events with their keys. */
  public List<org.apache.kafka.streams.KeyValue<String, DeliveryEvent>> keyedEvents() {
    return events.readKeyValuesToList();
  }

  @Override
  public void close() {
    driver.close();
  }
}
