package io.posrelay.relay.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.TerminalSession;
import io.posrelay.v1.kafka.EventSerdes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes new terminal sessions to the compacted sessions topic, keyed by terminal id, with an
 * idempotent producer ({@code acks=all}, {@code linger.ms=0}: takeover is bounded by this send).
 * A failed send is logged (at most one line per second) and counted in {@link
 * RelayMeters#SESSIONS_PUBLISH_ERRORS}. {@code max.block.ms} is short because sends happen on
 * Netty event loops. Thread-safe.
 */
public final class KafkaSessionPublisher implements SessionPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaSessionPublisher.class);
  private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

  private final Producer<String, TerminalSession> producer;
  private final String topic;
  private final RelayMeters meters;
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final AtomicLong failedSinceLog = new AtomicLong();
  private volatile @Nullable KafkaClientMetrics clientMetrics;

  /**
   * @param producer the producer to use; closed by {@link #close(Duration)}
   * @param topic the sessions topic, normally {@code posrelay.sessions}
   * @param meters where failed sends are counted
   */
  public KafkaSessionPublisher(
      Producer<String, TerminalSession> producer, String topic, RelayMeters meters) {
    this.producer = producer;
    this.topic = topic;
    this.meters = meters;
  }

  /**
   * Creates a {@link KafkaProducer} for sessions and fetches the topic's metadata, so that the
   * first send does not block an event loop.
   *
   * @param bootstrap Kafka {@code bootstrap.servers}
   * @param clientId the producer's {@code client.id}
   * @param topic the sessions topic
   * @param meters where failed sends are counted
   * @return a publisher owning the new producer
   * @throws KafkaException if the producer cannot be created or the metadata not fetched within
   *     {@code max.block.ms} (10 s)
   */
  public static KafkaSessionPublisher create(
      String bootstrap, String clientId, String topic, RelayMeters meters) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    KafkaProducer<String, TerminalSession> producer =
        new KafkaProducer<>(props, new StringSerializer(),
            EventSerdes.terminalSession().serializer());
    try {
      producer.partitionsFor(topic);
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new KafkaSessionPublisher(producer, topic, meters);
  }

  /**
   * Binds the Kafka producer's own metrics to {@code registry}, until {@link #close(Duration)}.
   * Call at most once.
   *
   * @param registry the server's registry
   */
  public void bindClientMetrics(MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    clientMetrics = metrics;
  }

  @Override
  public void publish(TerminalSession session) {
    try {
      producer.send(
          new ProducerRecord<>(topic, session.getTerminalId(), session),
          (metadata, e) -> {
            if (e != null) {
              failed(session, e);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      failed(session, e);
    }
  }

  @Override
  public void close(Duration timeout) {
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      clientMetrics = null;
      metrics.close();
    }
    producer.close(timeout);
  }

  private void failed(TerminalSession session, Exception e) {
    meters.sessions().publishError();
    failedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
      log.warn("{} session(s) not written to {} in the last second; latest terminal_id={} "
              + "session_id={}: {}", failedSinceLog.getAndSet(0), topic,
          session.getTerminalId(), session.getSessionId(), e.toString());
    }
  }
}
