package io.posrelay.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records each topic received over a phase's measured window: what POS Relay writes to
 * Kafka per result — the results, the claims, the ledger's delivery events and the changelogs
 * of its stores ({@code <application.id>-<store>-changelog}). The end offsets of every
 * non-internal topic are taken when the window opens and when it closes; the records between
 * them are then counted with a {@code read_committed} consumer, so that transaction markers and
 * aborted records (the ledger writes under exactly-once) do not count. Topics whose name starts
 * with {@code exclude} (the baseline's) are left out. Thread-safe.
 */
final class TopicWrites {
  private static final Logger log = LoggerFactory.getLogger(TopicWrites.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration COUNT_TIMEOUT = Duration.ofSeconds(60);

  private final String bootstrap;
  private final String exclude;
  private @Nullable Map<TopicPartition, Long> start;
  private @Nullable Map<TopicPartition, Long> end;
  private @Nullable Thread snapshots;

  /**
   * @param bootstrap the cluster's Kafka
   * @param exclude prefix of topic names not counted
   */
  TopicWrites(String bootstrap, String exclude) {
    this.bootstrap = bootstrap;
    this.exclude = exclude;
  }

  /** Takes the window's first snapshot at {@code startNanos} and its last at {@code endNanos}. */
  void measure(long startNanos, long endNanos) {
    Thread thread = new Thread(() -> {
      if (Drain.parkUntil(startNanos, Thread.currentThread()::isInterrupted)) {
        Map<TopicPartition, Long> first = endOffsets();
        synchronized (this) {
          start = first;
        }
        if (Drain.parkUntil(endNanos, Thread.currentThread()::isInterrupted)) {
          Map<TopicPartition, Long> last = endOffsets();
          synchronized (this) {
            end = last;
          }
        }
      }
    }, "bench-topic-writes");
    thread.setDaemon(true);
    synchronized (this) {
      snapshots = thread;
    }
    thread.start();
  }

  /**
   * Records written to each topic in the window, by topic name, sorted; empty if either snapshot
   * is missing (the window never closed, or Kafka did not answer).
   */
  Map<String, Long> counts() {
    Thread thread;
    synchronized (this) {
      thread = snapshots;
    }
    if (thread != null) {
      try {
        thread.join(CALL_TIMEOUT.toMillis() * 4); // the last snapshot may still be under way
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Map.of();
      }
    }
    Map<TopicPartition, Long> first;
    Map<TopicPartition, Long> last;
    synchronized (this) {
      first = start;
      last = end;
    }
    if (first == null || last == null || first.isEmpty()) {
      return Map.of();
    }
    Map<TopicPartition, Long> from = new HashMap<>();
    last.forEach((tp, offset) -> {
      long begin = first.getOrDefault(tp, 0L);
      if (offset > begin) {
        from.put(tp, begin);
      }
    });
    Map<String, Long> counts = new TreeMap<>();
    first.keySet().forEach(tp -> counts.put(tp.topic(), 0L));
    last.keySet().forEach(tp -> counts.put(tp.topic(), 0L));
    if (!from.isEmpty() && !count(from, last, counts)) {
      return Map.of();
    }
    return counts;
  }

  private boolean count(Map<TopicPartition, Long> from, Map<TopicPartition, Long> until,
      Map<String, Long> counts) {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.CLIENT_ID_CONFIG, "posrelay-bench-topic-writes",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    long deadline = System.nanoTime() + COUNT_TIMEOUT.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Set<TopicPartition> open = new java.util.HashSet<>(from.keySet());
      while (!open.isEmpty()) {
        if (System.nanoTime() - deadline >= 0) {
          log.warn("counting the window's records took over {} s; topic figures left out",
              COUNT_TIMEOUT.toSeconds());
          return false;
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        records.forEach(r -> {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < until.get(tp)) {
            counts.merge(r.topic(), 1L, Long::sum);
          }
        });
        open.removeIf(tp -> consumer.position(tp) >= until.get(tp));
        if (!open.isEmpty()) {
          consumer.pause(from.keySet().stream().filter(tp -> !open.contains(tp)).toList());
        }
      }
      return true;
    } catch (KafkaException e) {
      log.warn("could not count the window's records ({}); topic figures left out", e.toString());
      return false;
    }
  }

  private Map<TopicPartition, Long> endOffsets() {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "posrelay-bench-topic-writes"))) {
      Set<String> names = admin.listTopics().names()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
          .filter(name -> !name.startsWith(exclude)).collect(Collectors.toSet());
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames()
          .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      Map<TopicPartition, OffsetSpec> latest = topics.values().stream()
          .flatMap(d -> d.partitions().stream().map(p -> new TopicPartition(d.name(),
              p.partition())))
          .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
      Map<TopicPartition, Long> offsets = new HashMap<>();
      admin.listOffsets(latest).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((tp, info) -> offsets.put(tp, info.offset()));
      return offsets;
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      log.warn("could not read the topics' end offsets ({}); topic figures left out",
          e.toString());
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

}
