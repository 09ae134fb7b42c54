package io.posrelay.admin.ledger;

import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Re-publishes a payment result to the results topic (key terminal_id) for RetryDelivery. The
 * ledger then sees it as a re-publication with a higher attempt. Thread-safe.
 */
public final class ResultRepublisher implements AutoCloseable {
  private final Producer<String, PaymentResult> producer;
  private final String topic;

  /**
   * @param producer an idempotent producer with {@code acks=all}; closed by {@link #close}
   * @param topic the results topic ({@code topic.results}), which the ledger reads
   */
  public ResultRepublisher(Producer<String, PaymentResult> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /**
   * Publishes {@code result} with {@code attempt} and waits for the broker's ack.
   *
   * @throws ExecutionException if Kafka rejected the record
   * @throws TimeoutException if no ack came within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public void republish(PaymentResult result, int attempt, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    PaymentResult retried = result.toBuilder().setAttempt(attempt).build();
    producer
        .send(new ProducerRecord<>(topic, retried.getTerminalId(), retried))
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes the producer within 5 s. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
