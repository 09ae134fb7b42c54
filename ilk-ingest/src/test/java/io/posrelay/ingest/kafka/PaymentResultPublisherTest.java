package io.posrelay.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PaymentResultPublisherTest {
  private final MockProducer<String, PaymentResult> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ProtobufSerializer<>());
  private final PaymentResultPublisher publisher =
      new PaymentResultPublisher(producer, "posrelay.results", Runnable::run, 100,
          new IngestMeters(new SimpleMeterRegistry()));

  private static PaymentResult result(String id) {
    return PaymentResult.newBuilder().setResultId(id).setTerminalId("T1").build();
  }

  private static Throwable failure(CompletableFuture<Void> future) {
    assertThat(future).isCompletedExceptionally();
    try {
      future.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void afterAKafkaTimeout_laterPublishesAreRejectedAtOnce_whileOneProbes() {
    CompletableFuture<Void> first = publisher.publish(result("r1"));
    producer.errorNext(new TimeoutException("Kafka down"));
    assertThat(failure(first)).isInstanceOf(TimeoutException.class);
    assertThat(publisher.kafkaUnreachable()).isTrue();

    CompletableFuture<Void> probe = publisher.publish(result("r2"));
    CompletableFuture<Void> rejected = publisher.publish(result("r3"));

    assertThat(probe).isNotDone();
    assertThat(failure(rejected)).isInstanceOf(PublishRejectedException.class)
        .hasMessageContaining("Kafka unreachable");
    assertThat(producer.history()).extracting(r -> r.value().getResultId())
        .containsExactly("r1", "r2");
  }

  @Test
  void anAcknowledgedProbe_endsFailFast() {
    publisher.publish(result("r1"));
    producer.errorNext(new TimeoutException("Kafka down"));
    CompletableFuture<Void> probe = publisher.publish(result("r2"));

    producer.completeNext();

    assertThat(probe).isCompletedWithValue(null);
    assertThat(publisher.kafkaUnreachable()).isFalse();
    CompletableFuture<Void> a = publisher.publish(result("r3"));
    CompletableFuture<Void> b = publisher.publish(result("r4"));
    assertThat(a).isNotDone();
    assertThat(b).isNotDone();
  }

  @Test
  void aFailedProbe_letsTheNextPublishProbe() {
    publisher.publish(result("r1"));
    producer.errorNext(new TimeoutException("Kafka down"));
    CompletableFuture<Void> probe = publisher.publish(result("r2"));

    producer.errorNext(new TimeoutException("still down"));

    assertThat(failure(probe)).isInstanceOf(TimeoutException.class);
    CompletableFuture<Void> nextProbe = publisher.publish(result("r3"));
    assertThat(nextProbe).isNotDone();
  }

  @Test
  void aNonRetriableError_doesNotCountAsKafkaUnreachable() {
    publisher.publish(result("r1"));
    producer.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too big"));

    assertThat(publisher.kafkaUnreachable()).isFalse();
  }
}
