package io.posrelay.ingest;

import io.posrelay.ingest.kafka.KafkaContact;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/**
 * Kafka for {@link IlkIngestServer} without a broker: the topic check passes (or fails as told)
 * and the results producer is a {@link MockProducer}. Records the calls in order.
 */
final class FakeKafka implements IngestKafka {
  final MockProducer<String, PaymentResult> producer;
  final List<String> calls = new CopyOnWriteArrayList<>();
  /** Whether the readiness probe finds Kafka; tests turn it off to play an outage. */
  volatile boolean answers = true;
  private final @Nullable RuntimeException topicCheckFailure;

  private FakeKafka(boolean autoComplete, @Nullable RuntimeException topicCheckFailure) {
    this.producer = new MockProducer<>(autoComplete, null, new StringSerializer(),
        new ProtobufSerializer<PaymentResult>());
    this.topicCheckFailure = topicCheckFailure;
  }

  /** The broker acknowledges every send at once. */
  static FakeKafka acking() {
    return new FakeKafka(true, null);
  }

  /** Sends wait until the test completes them ({@code producer.completeNext()}). */
  static FakeKafka manual() {
    return new FakeKafka(false, null);
  }

  /** The topic check fails with {@code failure}, as TopicCheck does for a missing topic. */
  static FakeKafka topicCheckFails(RuntimeException failure) {
    return new FakeKafka(true, failure);
  }

  @Override
  public void checkTopics(ServiceConfig config) {
    calls.add("checkTopics");
    if (topicCheckFailure != null) {
      throw topicCheckFailure;
    }
  }

  @Override
  public Producer<String, PaymentResult> resultsProducer(ServiceConfig config) {
    calls.add("resultsProducer");
    return producer;
  }

  @Override
  public KafkaContact.Probe kafkaProbe(ServiceConfig config) {
    return timeout -> answers ? CompletableFuture.completedFuture("fake: 1 partition(s)")
        : CompletableFuture.failedFuture(new TimeoutException("fake: no broker answers"));
  }
}
