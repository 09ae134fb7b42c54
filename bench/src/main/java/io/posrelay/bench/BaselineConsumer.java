package io.posrelay.bench;

import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of the baseline: a plain {@link KafkaConsumer} that reads every partition of
 * one topic from its end, by manual assignment (no consumer group, no commits), and hands each
 * value to a handler. It reads as a relay node reads {@code posrelay.results} — every partition,
 * each fetch answered as soon as one record is there ({@code fetch.min.bytes=1}) — without any of
 * the relay's own code: the baseline is raw Kafka.
 *
 * <p>The Kafka consumer belongs to the caller of {@link #start} until it returns, then to the
 * poll thread, which also closes it. The error count is read from any thread.
 */
final class BaselineConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BaselineConsumer.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

  private final KafkaConsumer<String, PaymentResult> consumer;
  private final String topic;
  private final Consumer<PaymentResult> handler;
  private final Runnable onError;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param bootstrap Kafka {@code bootstrap.servers}
   * @param topic the topic to read, every partition of it
   * @param handler receives every value, on the poll thread
   * @param onError called on the poll thread for every failed poll or unreadable record
   * @throws KafkaException if the consumer cannot be created (e.g. a bad bootstrap address)
   */
  BaselineConsumer(String bootstrap, String topic, Consumer<PaymentResult> handler,
      Runnable onError) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "posrelay-bench-baseline-consumer");
    props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    this.consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        EventSerdes.paymentResult().deserializer());
    this.topic = topic;
    this.handler = handler;
    this.onError = onError;
    this.thread = new Thread(this::run, "bench-baseline-consumer");
  }

  /**
   * Assigns every partition of the topic at its end (positions resolved), then starts polling:
   * every record produced after this returns is handled.
   *
   * @param timeout bound for the metadata and offset lookups
   * @throws KafkaException if Kafka cannot be reached within {@code timeout}
   * @throws IllegalStateException if the topic has no partitions
   */
  void start(Duration timeout) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
      partitions.add(new TopicPartition(info.topic(), info.partition()));
    }
    if (partitions.isEmpty()) {
      throw new IllegalStateException(topic + ": no partitions");
    }
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(partition -> consumer.position(partition, timeout));
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        try {
          for (ConsumerRecord<String, PaymentResult> record : consumer.poll(POLL_TIMEOUT)) {
            if (record.value() != null) {
              handler.accept(record.value());
            }
          }
        } catch (WakeupException e) {
          throw e;
        } catch (KafkaException e) {
          // The baseline measures, it does not recover: count it, and poll on.
          onError.run();
          log.warn("baseline consumer of {}: {}", topic, e.toString());
        }
      }
    } catch (WakeupException e) {
      // close(): stop
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
    }
  }

  /**
   * Stops polling and waits up to 5 s for the poll thread to close the consumer. Idempotent.
   * Closes the consumer itself if {@link #start} was never called.
   */
  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
      }
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
