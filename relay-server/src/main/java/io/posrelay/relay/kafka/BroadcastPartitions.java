package io.posrelay.relay.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which partitions of its topic a {@link BroadcastConsumer} reads, and how far behind it is:
 * every partition by manual assignment, from its end at start and from its beginning when it is
 * added to the topic later, looked for every {@code refreshInterval}.
 *
 * <p>Uses the Kafka consumer, so it is called by the thread that holds the consumer: the caller of
 * {@link BroadcastConsumer#start} until it returns, then the poll thread. {@link #count()} and
 * {@link #lagRecords()} may be read from any thread (volatile fields).
 */
final class BroadcastPartitions {
  // The reader's logger: these lines are the reader's.
  private static final Logger log = LoggerFactory.getLogger(BroadcastConsumer.class);

  private final Consumer<String, ?> consumer;
  private final String topic;
  private final long refreshIntervalNanos;
  private long nextRefreshNanos;
  private volatile int count;
  private volatile long lagRecords = -1;

  /**
   * @param consumer the reader's consumer, with no subscription; not closed here
   * @param topic the topic read
   * @param refreshInterval how often to look for added partitions, > 0
   */
  BroadcastPartitions(Consumer<String, ?> consumer, String topic, Duration refreshInterval) {
    this.consumer = consumer;
    this.topic = topic;
    this.refreshIntervalNanos = refreshInterval.toNanos();
  }

  /** Partitions assigned, as of the last assignment or lag update. */
  int count() {
    return count;
  }

  /** Records behind the end of all partitions as of the last poll; -1 while unknown. */
  long lagRecords() {
    return lagRecords;
  }

  /** Assigns every partition at its resolved end offset. */
  void assignAtEnd(Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    Set<TopicPartition> assigned = new HashSet<>();
    if (infos != null) {
      for (PartitionInfo info : infos) {
        assigned.add(new TopicPartition(info.topic(), info.partition()));
      }
    }
    if (assigned.isEmpty()) {
      log.warn("topic {} not found; its partitions will be read from the beginning once they "
          + "appear", topic);
    }
    consumer.assign(assigned);
    consumer.seekToEnd(assigned);
    for (TopicPartition partition : assigned) {
      consumer.position(partition, timeout);
    }
    count = assigned.size();
    nextRefreshNanos = System.nanoTime() + refreshIntervalNanos;
    log.debug("reading {} partition(s) of {} from their end", assigned.size(), topic);
  }

  /** Whether it is time to look for added partitions; if so, the next look is one interval on. */
  boolean refreshDue() {
    if (System.nanoTime() - nextRefreshNanos >= 0) {
      nextRefreshNanos = System.nanoTime() + refreshIntervalNanos;
      return true;
    }
    return false;
  }

  /** Assigns partitions added to the topic, from their beginning. */
  void refresh(Duration timeout) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
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
      count = assigned.size();
      log.info("reading {} added partition(s) of {} from the beginning: {}", added.size(), topic,
          added);
    }
  }

  /** Updates the lag from the consumer's last fetch. */
  void updateLag() {
    Set<TopicPartition> assigned = consumer.assignment();
    long total = 0;
    for (TopicPartition tp : assigned) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isEmpty()) {
        total = -1;
        break;
      }
      total += lag.getAsLong();
    }
    count = assigned.size();
    lagRecords = total;
  }

  /** Where the reader is, for the ERROR line of a Kafka error: {@code topic-p@offset …}. */
  String positions() {
    try {
      return consumer.assignment().stream()
          .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
          .map(tp -> tp + "@" + consumer.position(tp, Duration.ZERO))
          .collect(Collectors.joining(" "));
    } catch (RuntimeException e) {
      return topic + " (positions unknown: " + e + ")";
    }
  }
}
