package io.posrelay.relay.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.relay.metrics.RelayMeters.ConsumerErrorKind;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of one topic — all partitions, by manual assignment, with no consumer group
 * — and hands each value to a handler. Every relay node runs one for {@code posrelay.results}
 * and one for {@code posrelay.sessions}, so every node sees every result and every new session
 * (broadcast). A node starts at the end of each partition: results published while it was down
 * are for terminals that were not connected to it, and those that come back find them through
 * recovery on Hello (the ledger), not through this consumer.
 *
 * <p>Errors in tiers: a record that cannot be deserialized is logged once with its
 * topic-partition@offset, counted, and skipped; a retriable Kafka error is counted and polling
 * goes on; any other Kafka error is logged and counted as fatal, and the consumer stops.
 * Partitions added to the topic are picked up every {@code refreshInterval} and read from their
 * beginning.
 *
 * <p>The Kafka consumer is used by one thread at a time: the caller of {@link #start} until it
 * returns, then the poll thread, which also closes it.
 */
public final class BroadcastConsumer<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BroadcastConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final Consumer<String, V> consumer;
  private final String topic;
  private final java.util.function.Consumer<V> handler;
  private final java.util.function.Consumer<ConsumerErrorKind> errors;
  private final long refreshIntervalNanos;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean started;
  private long nextRefreshNanos;
  private volatile @Nullable KafkaClientMetrics clientMetrics;

  /**
   * @param consumer a consumer with no subscription; owned and closed by this object
   * @param topic the topic, e.g. {@code posrelay.results}
   * @param handler receives every non-null value, on the poll thread; must not block
   * @param errors counts consumer errors by kind (e.g. {@code meters::consumerError})
   * @param refreshInterval how often to look for added partitions, > 0
   * @param threadName the poll thread's name
   */
  public BroadcastConsumer(
      Consumer<String, V> consumer,
      String topic,
      java.util.function.Consumer<V> handler,
      java.util.function.Consumer<ConsumerErrorKind> errors,
      Duration refreshInterval,
      String threadName) {
    this.consumer = consumer;
    this.topic = topic;
    this.handler = handler;
    this.errors = errors;
    this.refreshIntervalNanos = refreshInterval.toNanos();
    this.thread = new Thread(this::run, threadName);
  }

  /**
   * Creates a Kafka consumer for one broadcast topic.
   *
   * @param properties the consumer's properties: no group id, no auto commit (see the relay's
   *     reader roles in {@code RelayKeys})
   * @param values the value deserializer, e.g. {@code EventSerdes.paymentResult().deserializer()}
   * @param <V> the value type
   * @return a new consumer
   * @throws KafkaException if the consumer cannot be created (e.g. a bad bootstrap address)
   */
  public static <V> Consumer<String, V> createKafkaConsumer(Map<String, Object> properties,
      Deserializer<V> values) {
    return new KafkaConsumer<>(properties, new StringDeserializer(), values);
  }

  /**
   * Assigns every partition of the topic, seeks to its end and resolves that position, then
   * starts the poll thread. Any record produced after this returns is handled. A topic that
   * does not exist yet is logged; its partitions are read from the beginning once they appear.
   *
   * @param timeout bound for the metadata and offset lookups
   * @throws KafkaException if Kafka cannot be reached within {@code timeout}
   */
  public void start(Duration timeout) {
    assignAtEnd(timeout);
    started = true;
    thread.start();
  }

  /** Assigns every partition at its resolved end offset. Package-private for tests. */
  void assignAtEnd(Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    Set<TopicPartition> partitions = new HashSet<>();
    if (infos != null) {
      for (PartitionInfo info : infos) {
        partitions.add(new TopicPartition(info.topic(), info.partition()));
      }
    }
    if (partitions.isEmpty()) {
      log.warn("topic {} not found; its partitions will be read from the beginning once they "
          + "appear", topic);
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    for (TopicPartition partition : partitions) {
      consumer.position(partition, timeout);
    }
    nextRefreshNanos = System.nanoTime() + refreshIntervalNanos;
    log.debug("reading {} partition(s) of {} from their end", partitions.size(), topic);
  }

  /**
   * Binds the Kafka consumer's own metrics (fetch rates, lag, errors…) to {@code registry},
   * until {@link #close(Duration)}. Call at most once.
   *
   * @param registry the server's registry
   */
  public void bindClientMetrics(MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
    metrics.bindTo(registry);
    clientMetrics = metrics;
  }

  private void run() {
    try {
      while (running) {
        pollOnce();
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("consumer of {} woken up unexpectedly; stopped", topic, e);
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
  }

  /** One poll, its dispatches, and the partition refresh when due. Package-private for tests. */
  void pollOnce() {
    try {
      for (ConsumerRecord<String, V> record : consumer.poll(POLL_TIMEOUT)) {
        V value = record.value();
        if (value == null) {
          badRecord(record.topic() + "-" + record.partition() + "@" + record.offset(),
              "null value");
          continue;
        }
        handler.accept(value);
      }
      if (System.nanoTime() - nextRefreshNanos >= 0) {
        nextRefreshNanos = System.nanoTime() + refreshIntervalNanos;
        refreshAssignment();
      }
    } catch (RecordDeserializationException e) {
      TopicPartition tp = e.topicPartition();
      badRecord(tp + "@" + e.offset(), String.valueOf(e.getCause()));
      consumer.seek(tp, e.offset() + 1);
    } catch (WakeupException e) {
      throw e;
    } catch (RetriableException e) {
      errors.accept(ConsumerErrorKind.RETRIABLE);
      log.warn("retriable error reading {}; polling goes on: {}", topic, e.toString());
    } catch (KafkaException e) {
      errors.accept(ConsumerErrorKind.FATAL);
      log.error("fatal error reading {}; this node reads no more of it", topic, e);
      running = false;
    }
  }

  /** Assigns partitions added to the topic, from their beginning. Package-private for tests. */
  void refreshAssignment() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, POLL_TIMEOUT);
    if (infos == null) {
      return;
    }
    Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
    Set<TopicPartition> added = new HashSet<>();
    for (PartitionInfo info : infos) {
      TopicPartition tp = new TopicPartition(info.topic(), info.partition());
      if (!assigned.contains(tp)) {
        added.add(tp);
      }
    }
    if (!added.isEmpty()) {
      assigned.addAll(added);
      consumer.assign(assigned);
      consumer.seekToBeginning(added);
      log.info("reading {} added partition(s) of {} from the beginning: {}", added.size(), topic,
          added);
    }
  }

  private void badRecord(String coordinates, String problem) {
    errors.accept(ConsumerErrorKind.BAD_RECORD);
    log.warn("skipping bad record {}: {}", coordinates, problem);
  }

  /**
   * Stops polling and closes the Kafka consumer, waiting at most {@code timeout} for the poll
   * thread to end. Idempotent. If interrupted while waiting, returns early with the thread's
   * interrupt flag set.
   *
   * @param timeout upper bound, >= 0
   */
  public void close(Duration timeout) {
    running = false;
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      clientMetrics = null;
      metrics.close();
    }
    if (!started) {
      started = true; // close once
      consumer.close(CloseOptions.timeout(timeout));
    } else if (thread.isAlive()) {
      consumer.wakeup();
      try {
        thread.join(Math.max(1, timeout.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Same as {@link #close(Duration)} with 5 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }
}
