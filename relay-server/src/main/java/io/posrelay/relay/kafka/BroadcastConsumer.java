package io.posrelay.relay.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.metrics.RelayMeters.ConsumerErrorKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
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
 * — and hands each value to a handler, unless its {@link RecordFilter} passes it over first (a
 * record for a terminal this node does not hold: skipped before any work, not even a log or
 * metric here). Every relay node runs one for {@code posrelay.results},
 * one for {@code posrelay.sessions} and, with recovery on, one for {@code
 * posrelay.delivery-events}, so every node sees every record (broadcast). A node starts at the
 * end of each partition: results published while it was down are for terminals that were not
 * connected to it, and those that come back find them through recovery on Hello (the ledger),
 * not through this consumer. Partitions added to the topic are picked up every {@code
 * refreshInterval} and read from their beginning.
 *
 * <p>Errors in tiers:
 *
 * <ul>
 *   <li><b>A bad record</b> — one that cannot be deserialized, a tombstone, or one its handler
 *       refuses with {@link MalformedRecordException} — is logged once (WARN) with its
 *       topic-partition@offset, counted ({@link ConsumerErrorKind#BAD_RECORD}) and skipped.
 *   <li><b>A retriable Kafka error</b> is counted and polling goes on.
 *   <li><b>The reader dies</b> on any other Kafka error ({@link ConsumerErrorKind#FATAL}) or
 *       exception from the handler ({@link ConsumerErrorKind#HANDLER_FAILURE}): one ERROR line
 *       with the cause and the topic-partition@offset, counted, and {@link #snapshot()} says
 *       {@link ReaderSnapshot.State#RESTARTING} at once (readiness DOWN). After a backoff
 *       ({@link ReaderRestarts}: 1, 2, 4 s by default) the poll loop resumes with the same Kafka
 *       consumer from the record that failed, which is handled again. A reader that dies once
 *       more than its restarts allow within their window, or on an {@link Error}, gives up:
 *       {@link ReaderSnapshot.State#FAILED}, and {@link #failure()} completes, on which the
 *       service exits so that the orchestrator replaces the process.
 * </ul>
 *
 * <p>The Kafka consumer is used by one thread at a time: the caller of {@link #start} until it
 * returns, then the poll thread, which also closes it. {@link #snapshot()} may be called from any
 * thread: it reads volatile fields the poll thread keeps up to date.
 */
public final class BroadcastConsumer<V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BroadcastConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final Consumer<String, V> consumer;
  private final String topic;
  private final RecordFilter<V> filter;
  private final java.util.function.Consumer<V> handler;
  private final java.util.function.Consumer<ConsumerErrorKind> errors;
  private final BroadcastPartitions partitions;
  private final Thread thread;
  private final ReaderStatus status;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final ReaderDeaths deaths;
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile @Nullable KafkaClientMetrics clientMetrics;

  /**
   * A reader restarted as {@link ReaderRestarts#DEFAULT}.
   *
   * @param consumer a consumer with no subscription; owned and closed by this object
   * @param topic the topic, e.g. {@code posrelay.results}
   * @param handler receives every non-null value, on the poll thread; must not block; throws
   *     {@link MalformedRecordException} for a record it refuses (skipped); any other exception
   *     kills the reader (see the class doc)
   * @param errors counts consumer errors by kind (e.g. {@code meters.deliveries()::consumerError})
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
    this(consumer, topic, handler, errors, refreshInterval, threadName, ReaderRestarts.DEFAULT);
  }

  /**
   * As {@link #BroadcastConsumer(Consumer, String, java.util.function.Consumer,
   * java.util.function.Consumer, Duration, String)}, restarted as {@code restarts}.
   */
  public BroadcastConsumer(
      Consumer<String, V> consumer,
      String topic,
      java.util.function.Consumer<V> handler,
      java.util.function.Consumer<ConsumerErrorKind> errors,
      Duration refreshInterval,
      String threadName,
      ReaderRestarts restarts) {
    this(consumer, topic, RecordFilter.all(), handler, errors, refreshInterval, threadName,
        restarts);
  }

  /**
   * As {@link #BroadcastConsumer(Consumer, String, java.util.function.Consumer,
   * java.util.function.Consumer, Duration, String, ReaderRestarts)}, handing {@code handler} only
   * the records {@code filter} wants. A record it passes over is neither handled nor checked
   * (a tombstone it passes over is no bad record).
   *
   * @param filter looks at each record's key and value first, on the poll thread; must not
   *     block; an exception from it kills the reader as one from {@code handler} does
   */
  public BroadcastConsumer(
      Consumer<String, V> consumer,
      String topic,
      RecordFilter<V> filter,
      java.util.function.Consumer<V> handler,
      java.util.function.Consumer<ConsumerErrorKind> errors,
      Duration refreshInterval,
      String threadName,
      ReaderRestarts restarts) {
    this.consumer = consumer;
    this.topic = topic;
    this.filter = filter;
    this.handler = handler;
    this.errors = errors;
    this.partitions = new BroadcastPartitions(consumer, topic, refreshInterval);
    this.status = new ReaderStatus(topic);
    this.deaths = new ReaderDeaths(topic, restarts, status);
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
    partitions.assignAtEnd(timeout);
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

  /** The topic this reader reads. */
  public String topic() {
    return topic;
  }

  /**
   * The reader's state now, for readiness ({@link ReaderReadiness}). Thread-safe, never blocks.
   */
  public ReaderSnapshot snapshot() {
    return status.snapshot(thread, partitions);
  }

  /**
   * Completes, with one line saying why, when the reader gives up (see the class doc); never
   * completes exceptionally, and never completes if the reader is closed first.
   */
  public CompletionStage<String> failure() {
    return status.failure();
  }

  private void run() {
    status.polled();
    status.reading("reading");
    try {
      while (running) {
        try {
          pollOnce();
        } catch (ReaderDeath death) {
          if (!restartAfter(death)) {
            return;
          }
        }
      }
    } catch (WakeupException e) {
      // close() woke the poll up; an unexpected wakeup is a ReaderDeath (see pollOnce)
    } finally {
      status.loopEnded();
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
  }

  /**
   * One poll, its dispatches, the lag, and the partition refresh when due. Package-private for
   * tests.
   *
   * @throws ReaderDeath if the reader died (see the class doc); the consumer's positions are
   *     those of the first record not handled
   */
  void pollOnce() {
    ConsumerRecords<String, V> records;
    try {
      records = consumer.poll(POLL_TIMEOUT);
    } catch (RecordDeserializationException e) {
      TopicPartition tp = e.topicPartition();
      badRecord(tp + "@" + e.offset(), String.valueOf(e.getCause()));
      consumer.seek(tp, e.offset() + 1);
      return;
    } catch (WakeupException e) {
      if (!running) {
        throw e;
      }
      throw death(ConsumerErrorKind.FATAL, partitions.positions(), e, Map.of());
    } catch (RetriableException e) {
      errors.accept(ConsumerErrorKind.RETRIABLE);
      log.warn("retriable error reading {}; polling goes on: {}", topic, e.toString());
      return;
    } catch (RuntimeException e) {
      throw death(ConsumerErrorKind.FATAL, partitions.positions(), e, Map.of());
    }
    status.polled();
    dispatch(records);
    partitions.updateLag();
    if (partitions.refreshDue()) {
      try {
        refreshAssignment();
      } catch (RetriableException e) {
        errors.accept(ConsumerErrorKind.RETRIABLE);
        log.warn("retriable error looking for added partitions of {}: {}", topic, e.toString());
      } catch (WakeupException e) {
        throw e;
      } catch (RuntimeException e) {
        throw death(ConsumerErrorKind.FATAL, partitions.positions(), e, Map.of());
      }
    }
  }

  private void dispatch(ConsumerRecords<String, V> records) {
    if (records.isEmpty()) {
      return;
    }
    List<TopicPartition> order = new ArrayList<>(records.partitions());
    for (int p = 0; p < order.size(); p++) {
      TopicPartition tp = order.get(p);
      for (ConsumerRecord<String, V> record : records.records(tp)) {
        // Per record, nothing is allocated or logged unless it is handled (most are not: a node
        // holds a share of the terminals); the coordinates are made only for a bad record.
        V value = record.value();
        try {
          if (!filter.wants(record.key(), value)) {
            continue;
          }
          if (value == null) {
            badRecord(tp + "@" + record.offset(), "null value");
            continue;
          }
          handler.accept(value);
        } catch (MalformedRecordException e) {
          badRecord(tp + "@" + record.offset(), e.getMessage());
        } catch (RuntimeException | Error e) {
          // Handle this record again on restart, and every record of this poll after it.
          Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
          rewind.put(tp, record.offset());
          for (TopicPartition later : order.subList(p + 1, order.size())) {
            rewind.put(later, records.records(later).get(0).offset());
          }
          throw death(ConsumerErrorKind.HANDLER_FAILURE, tp + "@" + record.offset(), e, rewind);
        }
      }
    }
  }

  private ReaderDeath death(ConsumerErrorKind kind, String coordinates, Throwable cause,
      Map<TopicPartition, Long> rewind) {
    errors.accept(kind);
    return new ReaderDeath(kind, coordinates, cause, rewind);
  }

  /**
   * Restarts the poll loop after a death, or gives up. Runs on the poll thread.
   *
   * @return true to go on polling
   */
  private boolean restartAfter(ReaderDeath death) {
    long backoffNanos = deaths.backoffAfter(death);
    if (backoffNanos < 0) {
      return false;
    }
    try {
      if (closing.await(backoffNanos, TimeUnit.NANOSECONDS) || !running) {
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    death.rewind.forEach(consumer::seek);
    status.polled();
    status.reading("reading (restarted after: " + death.what() + ")");
    log.info("reader of {} restarted; resuming at {}", topic,
        death.rewind.isEmpty() ? partitions.positions() : death.rewind.entrySet().stream()
            .map(e -> e.getKey() + "@" + e.getValue()).collect(Collectors.joining(" ")));
    return true;
  }

  /** Assigns partitions added to the topic, from their beginning. Package-private for tests. */
  void refreshAssignment() {
    partitions.refresh(POLL_TIMEOUT);
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
    closing.countDown();
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      clientMetrics = null;
      metrics.close();
    }
    if (!started) {
      started = true; // close once
      status.closedUnstarted();
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
