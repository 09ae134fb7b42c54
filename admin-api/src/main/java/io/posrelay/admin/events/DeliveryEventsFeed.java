package io.posrelay.admin.events;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails {@code posrelay.delivery-events} from its end with {@code isolation.level=read_committed}
 * (only transitions the ledger committed) and hands each event to a sink on its own thread. No
 * consumer group: every admin-api instance sees every event. Thread-safe.
 */
public final class DeliveryEventsFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEventsFeed.class);

  private final KafkaConsumer<String, DeliveryEvent> consumer;
  private final Consumer<DeliveryEvent> sink;
  private final Thread thread;
  private volatile boolean closed;

  private DeliveryEventsFeed(String bootstrap, Consumer<DeliveryEvent> sink) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "posrelay-admin-events-feed"),
            new StringDeserializer(),
            EventSerdes.deliveryEvent().deserializer());
    this.sink = sink;
    this.thread = new Thread(this::run, "posrelay-admin-events-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Assigns every partition of the topic, positioned at its end, then starts the feed thread.
   *
   * @throws org.apache.kafka.common.KafkaException if the topic's partitions cannot be found
   */
  public static DeliveryEventsFeed start(
      String bootstrap, Consumer<DeliveryEvent> sink, Duration timeout) {
    DeliveryEventsFeed feed = new DeliveryEventsFeed(bootstrap, sink);
    try {
      List<TopicPartition> partitions =
          feed.consumer.partitionsFor(Topics.DELIVERY_EVENTS, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException(Topics.DELIVERY_EVENTS + ": no partitions");
      }
      feed.consumer.assign(partitions);
      feed.consumer.seekToEnd(partitions);
      partitions.forEach(tp -> feed.consumer.position(tp, timeout));
    } catch (RuntimeException e) {
      feed.consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
    feed.thread.start();
    return feed;
  }

  private void run() {
    try {
      while (!closed) {
        try {
          for (ConsumerRecord<String, DeliveryEvent> record :
              consumer.poll(Duration.ofSeconds(1))) {
            if (record.value() != null) {
              sink.accept(record.value());
            }
          }
        } catch (RecordDeserializationException e) {
          log.warn("skipping unreadable delivery event at {}@{}", e.topicPartition(), e.offset());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("delivery events feed woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("delivery events feed failed; WatchDeliveryEvents sees no more events", e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }
  }

  /** Stops the feed thread and closes the consumer, within about 5 s. Idempotent. */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
