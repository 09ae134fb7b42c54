package io.posrelay.relay.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.DeliveryClaim;
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
 * Publishes claims to the claims topic, keyed by terminal id, with an idempotent producer
 * ({@code acks=all}, {@code enable.idempotence=true}, {@code linger.ms=2}). Sends are
 * asynchronous; a failed send is logged (at most one line per second) and counted in {@link
 * RelayMeters#CLAIMS_PUBLISH_ERRORS}. {@code max.block.ms} is kept short because sends happen on
 * Netty event loops. Thread-safe.
 */
public final class KafkaClaimPublisher implements ClaimPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaClaimPublisher.class);
  private static final long LOG_INTERVAL_NANOS = 1_000_000_000L;

  private final Producer<String, DeliveryClaim> producer;
  private final String topic;
  private final RelayMeters meters;
  private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
  private final AtomicLong failedSinceLog = new AtomicLong();
  private @Nullable KafkaClientMetrics clientMetrics;

  /**
   * @param producer the producer to use; closed by {@link #close(Duration)}
   * @param topic the claims topic, normally {@code posrelay.claims}
   * @param meters where failed sends are counted
   */
  public KafkaClaimPublisher(
      Producer<String, DeliveryClaim> producer, String topic, RelayMeters meters) {
    this.producer = producer;
    this.topic = topic;
    this.meters = meters;
  }

  /**
   * Creates a {@link KafkaProducer} for claims and fetches the topic's metadata, so that the
   * first send does not block an event loop.
   *
   * @param bootstrap Kafka {@code bootstrap.servers}
   * @param clientId the producer's {@code client.id}
   * @param topic the claims topic
   * @param meters where failed sends are counted
   * @return a publisher owning the new producer
   * @throws KafkaException if the producer cannot be created or the metadata not fetched within
   *     {@code max.block.ms} (10 s)
   */
  public static KafkaClaimPublisher create(
      String bootstrap, String clientId, String topic, RelayMeters meters) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    KafkaProducer<String, DeliveryClaim> producer =
        new KafkaProducer<>(props, new StringSerializer(),
            EventSerdes.deliveryClaim().serializer());
    try {
      producer.partitionsFor(topic);
    } catch (KafkaException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
    return new KafkaClaimPublisher(producer, topic, meters);
  }

  /** The underlying producer, for client metrics. */
  public Producer<String, DeliveryClaim> producer() {
    return producer;
  }

  /**
   * Binds the Kafka producer's own metrics (send rates, errors, buffer use…) to {@code
   * registry}, until {@link #close(Duration)}. Call at most once.
   *
   * @param registry the server's registry
   */
  public void bindClientMetrics(MeterRegistry registry) {
    KafkaClientMetrics metrics = new KafkaClientMetrics(producer);
    metrics.bindTo(registry);
    clientMetrics = metrics;
  }

  @Override
  public void publish(DeliveryClaim claim) {
    try {
      producer.send(
          new ProducerRecord<>(topic, claim.getTerminalId(), claim),
          (metadata, e) -> {
            if (e != null) {
              failed(claim, e);
            }
          });
    } catch (KafkaException | IllegalStateException e) {
      failed(claim, e);
    }
  }

  @Override
  public void close(Duration timeout) {
    KafkaClientMetrics metrics = clientMetrics;
    if (metrics != null) {
      metrics.close();
    }
    producer.close(timeout); // sends what is buffered, within the timeout
  }

  private void failed(DeliveryClaim claim, Exception e) {
    meters.claimPublishError();
    failedSinceLog.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogNanos.get();
    if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
      log.warn("{} claim(s) not written to {} in the last second; latest result_id={} "
              + "terminal_id={} outcome={}: {}", failedSinceLog.getAndSet(0), topic,
          claim.getResultId(), claim.getTerminalId(), claim.getOutcome(), e.toString());
    }
  }
}
