package io.posrelay.admin.events;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.v1.kafka.EventSerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the delivery-events topic ({@code topic.delivery-events}) from its end and hands each event
 * to a sink on its own thread, {@code posrelay-admin-events-feed}. Its consumer is created with
 * {@code isolation.level=read_committed} (only transitions the ledger committed) and no consumer
 * group: every admin-api instance sees every event. Thread-safe.
 */
public final class DeliveryEventsFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEventsFeed.class);

  private final KafkaConsumer<String, DeliveryEvent> consumer;
  private final String topic;
  private final Consumer<DeliveryEvent> sink;
  private final Thread thread;
  private volatile boolean closed;

  private DeliveryEventsFeed(Map<String, Object> consumerProperties, String topic,
      Consumer<DeliveryEvent> sink) {
    this.consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
        EventSerdes.deliveryEvent().deserializer());
    this.topic = topic;
    this.sink = sink;
    this.thread = new Thread(this::run, "posrelay-admin-events-feed");
    this.thread.setDaemon(true);
  }

  /**
   * Assigns every partition of the topic, positioned at its end, then starts the feed thread.
   *
   * @param consumerProperties the consumer's properties (admin-api's {@code DELIVERY_EVENTS_FEED}
   *     role: {@code read_committed}, no group); the deserializers are the feed's own
   * @param topic the delivery-events topic
   * @param sink takes each event, on the feed thread; must not block
   * @param timeout how long finding the partitions and their end offsets may take
   * @throws org.apache.kafka.common.KafkaException if the topic's partitions cannot be found
   *     within {@code timeout}
   * @throws IllegalStateException if the topic has no partitions
   */
  public static DeliveryEventsFeed start(Map<String, Object> consumerProperties, String topic,
      Consumer<DeliveryEvent> sink, Duration timeout) {
    DeliveryEventsFeed feed = new DeliveryEventsFeed(consumerProperties, topic, sink);
    try {
      List<TopicPartition> partitions =
          feed.consumer.partitionsFor(feed.topic, timeout).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException(feed.topic + ": no partitions");
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
