package io.posrelay.admin.ledger;

import io.posrelay.runtime.kafka.KafkaHandOff;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Re-publishes a payment result to the results topic (key terminal_id) for RetryDelivery. The
 * ledger then sees it as a re-publication with a higher attempt.
 *
 * <p>Never blocks its caller (a gRPC handler): each record goes through a {@link KafkaHandOff}
 * (its own thread {@code posrelay-admin-retry-send}, at most {@code maxInFlight} retries awaiting
 * Kafka, and once a send failed with a retriable error — Kafka unreachable — every further retry
 * refused at once while one probes). The caller gets a future bounded by its own timeout.
 *
 * <p>Thread-safe.
 */
public final class ResultRepublisher implements AutoCloseable {
  /** Retries awaiting Kafka at most, by default. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;

  private final KafkaHandOff<String, PaymentResult> handOff;
  private final String topic;

  /**
   * A republisher with {@value #DEFAULT_MAX_IN_FLIGHT} retries in flight at most.
   *
   * @param producer an idempotent producer with {@code acks=all}; closed by {@link #close}
   * @param topic the results topic ({@code topic.results}), which the ledger reads
   */
  public ResultRepublisher(Producer<String, PaymentResult> producer, String topic) {
    this(producer, topic, DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * @param producer an idempotent producer with {@code acks=all}; closed by {@link #close}
   * @param topic the results topic ({@code topic.results}), which the ledger reads
   * @param maxInFlight most retries handed to Kafka and not yet answered, >= 1
   */
  public ResultRepublisher(Producer<String, PaymentResult> producer, String topic,
      int maxInFlight) {
    this.handOff = new KafkaHandOff<>(producer, "admin-retry", maxInFlight);
    this.topic = topic;
  }

  /**
   * Fetches the results topic's metadata in the background, so that the first RetryDelivery does
   * not wait for it. Returns at once; a failure is logged.
   */
  public void warmUp() {
    handOff.warmUp(topic);
  }

  /**
   * Publishes {@code result} with {@code attempt}. Never blocks.
   *
   * @param timeout how long the caller waits for the broker's ack at most, > 0
   * @return a future completed once the broker acknowledged the record ({@code acks=all}), or
   *     exceptionally with: {@link KafkaHandOff.Rejected} (not published: too many retries in
   *     flight, Kafka unreachable, or closing); {@link java.util.concurrent.TimeoutException} after
   *     {@code timeout} (if the record had reached the producer by then it may still be published
   *     later, within the retry producer's {@code delivery.timeout.ms}); or the producer's error
   */
  public CompletableFuture<Void> republish(PaymentResult result, int attempt, Duration timeout) {
    PaymentResult retried = result.toBuilder().setAttempt(attempt).build();
    return handOff.send(new ProducerRecord<>(topic, retried.getTerminalId(), retried))
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .thenApply(metadata -> null);
  }

  /** True while retries are refused at once because Kafka did not answer the last one. */
  public boolean kafkaUnreachable() {
    return handOff.kafkaUnreachable();
  }

  /** Stops taking retries and closes the producer within 5 s. */
  @Override
  public void close() {
    handOff.close(Duration.ofSeconds(5));
  }
}
