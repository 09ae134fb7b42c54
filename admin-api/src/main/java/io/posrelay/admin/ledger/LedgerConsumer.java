package io.posrelay.admin.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link DeliveryLedger} from {@code posrelay.results} and {@code posrelay.claims}: one
 * thread, one {@link KafkaConsumer}, manually assigned to every partition of both topics (no
 * consumer group, no committed offsets) and started from the beginning, so the in-memory ledger is
 * rebuilt on every start. Partitions added later are picked up within {@code partitionRefresh}.
 *
 * <p>Errors: a record that cannot be parsed or applied is logged with its topic-partition@offset
 * (at most one line per second, with a count of the ones not logged), counted in {@link
 * LedgerMeters#BAD_RECORDS} and skipped; a retriable Kafka error is retried after a second; any
 * other Kafka error stops the consumer and is reported to {@link Listener#failed}.
 */
public final class LedgerConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
  private static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
  private static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(1);
  private static final List<String> TOPICS = List.of(Topics.RESULTS, Topics.CLAIMS);

  /** Told about the consumer's progress; called on the consumer thread, must not block. */
  public interface Listener {
    /** The consumer has read up to the end offsets it saw at start: the ledger is rebuilt. */
    void caughtUp();

    /** The consumer stopped on an error it cannot recover from; the ledger no longer advances. */
    void failed(Throwable cause);
  }

  private final Consumer<byte[], byte[]> consumer;
  private final DeliveryLedger ledger;
  private final Listener listener;
  private final Duration partitionRefresh;
  private final @Nullable AutoCloseable clientMetrics;
  private final Map<String, Counter> badRecords = new HashMap<>();
  private final Counter retries;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Set<TopicPartition> assigned = new HashSet<>();
  private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
  private @Nullable Thread thread;
  private long nextRefreshNanos;
  private long badRecordLogNanos;
  private int badRecordsNotLogged;

  /**
   * Creates a consumer of the given Kafka cluster; nothing connects until {@link #start}.
   *
   * @param kafkaBootstrap {@code host:port[,host:port…]}
   * @param registry where the Kafka client's and this consumer's meters go
   */
  public static LedgerConsumer create(
      String kafkaBootstrap, DeliveryLedger ledger, MeterRegistry registry, Listener listener) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "posrelay-admin-api-ledger");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaClientMetrics clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(registry);
    return new LedgerConsumer(
        consumer, ledger, registry, listener, Duration.ofSeconds(10), clientMetrics);
  }

  LedgerConsumer(
      Consumer<byte[], byte[]> consumer,
      DeliveryLedger ledger,
      MeterRegistry registry,
      Listener listener,
      Duration partitionRefresh,
      @Nullable AutoCloseable clientMetrics) {
    this.consumer = consumer;
    this.ledger = ledger;
    this.listener = listener;
    this.partitionRefresh = partitionRefresh;
    this.clientMetrics = clientMetrics;
    for (String topic : TOPICS) {
      badRecords.put(
          topic,
          Counter.builder(LedgerMeters.BAD_RECORDS)
              .description("Kafka records skipped because they could not be applied")
              .tag("topic", topic)
              .register(registry));
    }
    retries =
        Counter.builder(LedgerMeters.CONSUMER_RETRIES)
            .description("Kafka errors retried by the ledger consumer")
            .register(registry);
  }

  /**
   * Assigns every partition of both topics, seeks to the beginning, reads the end offsets that
   * define "caught up", then starts the poll thread. A topic that does not exist yet is picked up
   * when it appears. Call once.
   *
   * @param timeout how long to wait for the cluster's metadata and end offsets
   * @throws KafkaException if the cluster cannot be reached within {@code timeout} or refuses
   */
  public synchronized void start(Duration timeout) {
    if (thread != null) {
      throw new IllegalStateException("already started");
    }
    Set<TopicPartition> partitions = partitions(timeout);
    assign(partitions);
    consumer.endOffsets(partitions, timeout).forEach((tp, end) -> {
      if (end != null && end > 0) {
        catchUpTargets.put(tp, end);
      }
    });
    if (catchUpTargets.isEmpty()) {
      markCaughtUp(); // nothing to replay: the ledger is ready before the listeners bind
    }
    nextRefreshNanos = System.nanoTime() + partitionRefresh.toNanos();
    log.info("ledger consumer replaying {} partitions from the beginning", partitions.size());
    Thread t = new Thread(this::run, "posrelay-ledger-consumer");
    t.setDaemon(true);
    thread = t;
    t.start();
  }

  /** Whether the consumer has read up to the end offsets it saw at start. */
  public boolean isCaughtUp() {
    return caughtUp.getCount() == 0;
  }

  /**
   * Waits until {@link #isCaughtUp()}.
   *
   * @return false if {@code timeout} passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops the poll thread (waiting up to 10 s) and closes the Kafka consumer. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closing.getCount() == 0) {
        return;
      }
      closing.countDown();
      t = thread;
    }
    if (t == null) {
      closeClient();
      return;
    }
    if (t.isAlive()) {
      consumer.wakeup();
    }
    try {
      t.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      log.warn("ledger consumer thread did not stop within 10 s");
    }
  }

  private void run() {
    try {
      while (closing.getCount() > 0) {
        try {
          for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
            apply(record);
          }
          checkCaughtUp();
          if (System.nanoTime() - nextRefreshNanos >= 0) {
            nextRefreshNanos = System.nanoTime() + partitionRefresh.toNanos();
            refreshPartitions();
          }
        } catch (WakeupException | InterruptException e) {
          if (closing.getCount() > 0) {
            log.warn("ledger consumer interrupted; stopping");
          }
          return;
        } catch (RetriableException e) {
          retries.increment();
          log.warn("ledger consumer: retriable Kafka error, retrying in {}: {}", RETRY_BACKOFF, e.toString());
          if (closing.await(RETRY_BACKOFF.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
        }
      }
    } catch (KafkaException | InterruptedException e) {
      if (closing.getCount() > 0) {
        log.error("ledger consumer stopped: the ledger no longer advances", e);
        listener.failed(e);
      }
    } finally {
      closeClient();
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> record) {
    try {
      byte[] value = record.value();
      if (value == null) {
        throw new IllegalArgumentException("null value (tombstone)");
      }
      if (Topics.RESULTS.equals(record.topic())) {
        ledger.onResult(PaymentResult.parseFrom(value));
      } else {
        ledger.onClaim(DeliveryClaim.parseFrom(value));
      }
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      badRecord(record, e);
    }
  }

  private void badRecord(ConsumerRecord<byte[], byte[]> record, Exception cause) {
    Counter counter = badRecords.get(record.topic());
    if (counter != null) {
      counter.increment();
    }
    long now = System.nanoTime();
    if (badRecordLogNanos != 0 && now - badRecordLogNanos < TimeUnit.SECONDS.toNanos(1)) {
      badRecordsNotLogged++;
      return;
    }
    badRecordLogNanos = now;
    log.warn(
        "skipping bad record {}-{}@{}: {} ({} more skipped since the last line)",
        record.topic(),
        record.partition(),
        record.offset(),
        cause.getMessage(),
        badRecordsNotLogged);
    badRecordsNotLogged = 0;
  }

  private void checkCaughtUp() {
    if (isCaughtUp()) {
      return;
    }
    catchUpTargets.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
    if (catchUpTargets.isEmpty()) {
      markCaughtUp();
    }
  }

  private void markCaughtUp() {
    log.info("ledger consumer caught up: {} records in the ledger", ledger.size());
    listener.caughtUp(); // first, so that whoever awaits catching up sees its effects
    caughtUp.countDown();
  }

  private void refreshPartitions() {
    Set<TopicPartition> now = partitions(REFRESH_TIMEOUT);
    if (!assigned.containsAll(now)) {
      assign(now);
    }
  }

  /** Assigns {@code partitions} plus those already assigned; new ones start at the beginning. */
  private void assign(Set<TopicPartition> partitions) {
    List<TopicPartition> added = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (assigned.add(tp)) {
        added.add(tp);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    consumer.assign(new ArrayList<>(assigned));
    consumer.seekToBeginning(added);
    log.info("ledger consumer assigned {}", added);
  }

  private Set<TopicPartition> partitions(Duration timeout) {
    Set<TopicPartition> partitions = new HashSet<>();
    for (String topic : TOPICS) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos != null) {
        for (PartitionInfo info : infos) {
          partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
      }
    }
    return partitions;
  }

  private void closeClient() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      log.warn("closing the ledger Kafka consumer failed: {}", e.toString());
    }
    if (clientMetrics != null) {
      try {
        clientMetrics.close();
      } catch (Exception e) {
        log.warn("closing Kafka client metrics failed: {}", e.toString());
      }
    }
  }
}
