package io.posrelay.relay.kafka;

import com.google.protobuf.MessageLite;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.runtime.kafka.KafkaHandOff;
import io.posrelay.runtime.log.ThrottledLog;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
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
 * an idempotent producer ({@code acks=all}, {@code enable.idempotence=true}), for callers on Netty
 * event loops that must never wait for Kafka.
 *
 * <p>{@link #publish} only hands the event to a {@link KafkaHandOff}: the producer's {@code send}
 * (which blocks up to {@code max.block.ms} on a cold metadata fetch or a full buffer) runs on the
 * hand-off's own thread ({@code posrelay-<node>-<topic kind>-send}). At most {@code maxInFlight}
 * events are between {@link #publish} and Kafka's answer.
 *
 * <p>An event is lost to the ledger in two ways, each counted and logged as at most one WARN line a
 * second (with the number left out since the last line):
 *
 * <ul>
 *   <li><b>dropped</b> ({@code onDropped}): never handed to Kafka, because {@code maxInFlight}
 *       events were already waiting, because Kafka did not answer the last send and a probe is in
 *       flight (fail fast while Kafka is unreachable), or because the node is closing. The log
 *       line says what that costs ({@link Topic#ifDropped});
 *   <li><b>failed</b> ({@code onFailure}): handed to the producer, which could not write it
 *       within {@code delivery.timeout.ms}.
 * </ul>
 *
 * <p>Thread-safe: {@link #publish} from any thread; the producer is used by the hand-off thread.
 *
 * @param <V> the event message
 */
public final class KafkaEventPublisher<V extends MessageLite> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);

  /**
   * The topic an event goes to and how to talk about one.
   *
   * @param name the topic, e.g. {@code posrelay.claims}
   * @param terminalId an event's record key
   * @param describe an event's ids for a log line, e.g. {@code "result_id=… terminal_id=…"}
   * @param ifDropped what a dropped event costs, for the log line, e.g. "the takeover of the
   *     terminal's older session on another node is late"
   * @param <V> the event message
   */
  public record Topic<V>(String name, Function<V, String> terminalId,
      Function<V, String> describe, String ifDropped) {}

  private final Topic<V> topic;
  private final KafkaHandOff<String, V> handOff;
  private final Producer<String, V> producer;
  private final Runnable onFailure;
  private final Consumer<KafkaHandOff.Rejection> onDropped;
  private final ThrottledLog failures = new ThrottledLog(log);
  private final ThrottledLog drops = new ThrottledLog(log);
  private volatile @Nullable KafkaClientMetrics clientMetrics;

  /**
   * Starts the hand-off thread {@code posrelay-<name>-send}.
   *
   * @param producer the producer to use; closed by {@link #close(Duration)}
   * @param topic where the events go and how to log them
   * @param name names the hand-off thread and its log lines: {@code relay-1-claims}
   * @param maxInFlight most events between {@link #publish} and Kafka's answer, >= 1
   * @param onFailure counts one event the producer failed to write (a meter)
   * @param onDropped counts one event never handed to Kafka, by cause (a meter)
   */
  public KafkaEventPublisher(Producer<String, V> producer, Topic<V> topic, String name,
      int maxInFlight, Runnable onFailure, Consumer<KafkaHandOff.Rejection> onDropped) {
    this.producer = producer;
    this.topic = topic;
    this.handOff = new KafkaHandOff<>(producer, name, maxInFlight);
    this.onFailure = onFailure;
    this.onDropped = onDropped;
  }

  /**
   * Creates the {@link KafkaProducer} and fetches the topic's metadata, so that the node starts
   * only if Kafka answers and the first sends need not wait for metadata.
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

  /**
   * Hands {@code event} to Kafka. Never blocks and never throws: any thread may call it, Netty
   * event loops included. A drop or a failure is counted and logged (see the class doc).
   */
  public void publish(V event) {
    handOff.send(new ProducerRecord<>(topic.name(), topic.terminalId().apply(event), event))
        .whenComplete((metadata, error) -> {
          if (error instanceof KafkaHandOff.Rejected rejected) {
            dropped(event, rejected);
          } else if (error != null) {
            failed(event, error);
          }
        });
  }

  /** Events handed to the producer (or queued for it) and not yet acknowledged or failed. */
  public int inFlight() {
    return handOff.inFlight();
  }

  /**
   * Stops taking events, lets those already queued reach the producer, and closes it, waiting up
   * to {@code timeout} in all for what it buffers to be sent.
   *
   * @param timeout the bound, >= 0
   */
  public void close(Duration timeout) {
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      clientMetrics = null;
      metrics.close();
    }
    handOff.close(timeout);
  }

  /** Same as {@link #close(Duration)} with 5 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private void dropped(V event, KafkaHandOff.Rejected rejected) {
    onDropped.accept(rejected.rejection());
    long left = drops.permit();
    if (left >= 0) {
      log.warn("{} event(s) not handed to Kafka for {} since the last line ({}): {}; latest {}",
          left + 1, topic.name(), rejected.getMessage(), topic.ifDropped(),
          topic.describe().apply(event));
    }
  }

  private void failed(V event, Throwable e) {
    onFailure.run();
    long left = failures.permit();
    if (left >= 0) {
      log.warn("{} event(s) not written to {} since the last line; latest {}: {}", left + 1,
          topic.name(), topic.describe().apply(event), e.toString());
    }
  }
}
