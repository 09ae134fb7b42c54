package io.posrelay.relay.kafka;

import io.posrelay.runtime.log.ThrottledLog;
import com.google.protobuf.MessageLite;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one kind of event message (claims, sessions) to its topic, keyed by terminal id, with
 * an idempotent producer ({@code acks=all}, {@code enable.idempotence=true}). Sends are
 * asynchronous; a failed send is counted through {@code onFailure} and logged at most once per
 * second with the number failed since. {@code max.block.ms} is 10 s and the topic's metadata is
 * fetched at creation, because sends happen on Netty event loops. Thread-safe.
 *
 * @param <V> the event message
 */
public final class KafkaEventPublisher<V extends MessageLite> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);

  private final Producer<String, V> producer;
  private final String topic;
  private final Function<V, String> terminalId;
  private final Function<V, String> describe;
  private final Runnable onFailure;
  private final ThrottledLog failures = new ThrottledLog(log);
  private volatile @Nullable KafkaClientMetrics clientMetrics;

  /**
   * @param producer the producer to use; closed by {@link #close(Duration)}
   * @param topic where the events go, e.g. {@code posrelay.claims}
   * @param terminalId the record key of an event
   * @param describe the event's ids for a log line, e.g. {@code "result_id=… terminal_id=…"}
   * @param onFailure counts one failed send (a meter)
   */
  public KafkaEventPublisher(Producer<String, V> producer, String topic,
      Function<V, String> terminalId, Function<V, String> describe, Runnable onFailure) {
    this.producer = producer;
    this.topic = topic;
    this.terminalId = terminalId;
    this.describe = describe;
    this.onFailure = onFailure;
  }

  /**
   * Creates the {@link KafkaProducer} and fetches the topic's metadata, so that the first send
   * does not block an event loop.
   *
   * @param properties the producer's properties: {@code acks=all}, idempotence on, a bounded
   *     {@code max.block.ms} (see the relay's producer roles in {@code RelayKeys})
   * @param serializer the event's value serializer
   * @return a producer ready to send
   * @throws KafkaException if the producer cannot be created or the metadata not fetched within
   *     {@code max.block.ms}
   */
  public static <V extends MessageLite> Producer<String, V> createProducer(
      Map<String, Object> properties, String topic, Serializer<V> serializer) {
    KafkaProducer<String, V> producer =
        new KafkaProducer<>(properties, new StringSerializer(), serializer);
    try {
      producer.partitionsFor(topic);
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return producer;
  }

  /**
   * Binds the Kafka producer's own metrics (send rates, errors, buffer use…) to {@code registry},
   * until {@link #close(Duration)}. Call at most once.
   *
   * @param registry the server's registry
   */
  public void bindClientMetrics(MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    clientMetrics = metrics;
  }

  /** Sends {@code event} asynchronously; never throws. */
  public void publish(V event) {
    try {
      producer.send(
          new ProducerRecord<>(topic, terminalId.apply(event), event),
          (metadata, e) -> {
            if (e != null) {
              failed(event, e);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      failed(event, e);
    }
  }

  /** Closes the producer, waiting up to {@code timeout} for unsent events. */
  public void close(Duration timeout) {
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      clientMetrics = null;
      metrics.close();
    }
    producer.close(timeout);
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void failed(V event, Exception e) {
    onFailure.run();
    long left = failures.permit();
    if (left >= 0) {
      log.warn("{} event(s) not written to {} since the last line; latest {}: {}", left + 1,
          topic, describe.apply(event), e.toString());
    }
  }
}
