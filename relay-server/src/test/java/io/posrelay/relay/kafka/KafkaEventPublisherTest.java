package io.posrelay.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.runtime.kafka.KafkaHandOff;
import io.posrelay.testkit.kafka.StalledProducer;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.kafka.EventSerdes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claims through the bounded hand-off: failures and drops are counted, never thrown. */
class KafkaEventPublisherTest {
  private static final Duration QUICK = Duration.ofSeconds(5);

  private final StalledProducer<String, DeliveryClaim> producer =
      new StalledProducer<>(new StringSerializer(), EventSerdes.deliveryClaim().serializer());
  private final AtomicInteger failed = new AtomicInteger();
  private final List<KafkaHandOff.Rejection> dropped = new CopyOnWriteArrayList<>();
  private final KafkaEventPublisher<DeliveryClaim> publisher = new KafkaEventPublisher<>(producer,
      new KafkaEventPublisher.Topic<>("posrelay.claims", DeliveryClaim::getTerminalId,
          c -> "result_id=" + c.getResultId(), "the ledger fails the result UNCLAIMED"),
      "test-claims", 10, failed::incrementAndGet, dropped::add);

  @AfterEach
  void close() {
    producer.release();
    publisher.close(Duration.ofSeconds(5));
  }

  private static DeliveryClaim claim(String resultId) {
    return DeliveryClaim.newBuilder().setResultId(resultId).setTerminalId("T-1")
        .setOutcome(DeliveryClaim.Outcome.OUTCOME_DELIVERED).build();
  }

  @Test
  void claimsAreKeyedByTerminal_andWrittenToTheTopic() {
    publisher.publish(claim("r-1"));

    await().atMost(QUICK).until(() -> producer.history().size() == 1);
    ProducerRecord<String, DeliveryClaim> record = producer.history().get(0);
    assertThat(record.topic()).isEqualTo("posrelay.claims");
    assertThat(record.key()).isEqualTo("T-1");
    await().atMost(QUICK).until(() -> publisher.inFlight() == 0);
    assertThat(failed.get()).isZero();
    assertThat(dropped).isEmpty();
  }

  @Test
  void whileKafkaDoesNotAnswer_claimsAreDroppedAtOnceAndCounted_andOneProbes() {
    producer.autoComplete(false);
    publisher.publish(claim("r-1"));
    await().atMost(QUICK).until(() -> producer.history().size() == 1);
    producer.errorNext(new TimeoutException("Expiring 1 record(s): 120000 ms has passed"));
    await().atMost(QUICK).until(() -> failed.get() == 1);

    publisher.publish(claim("r-2")); // the probe
    publisher.publish(claim("r-3"));
    publisher.publish(claim("r-4"));

    assertThat(dropped).containsExactly(KafkaHandOff.Rejection.KAFKA_UNREACHABLE,
        KafkaHandOff.Rejection.KAFKA_UNREACHABLE);
    await().atMost(QUICK).until(() -> producer.history().size() == 2);
    assertThat(producer.history().get(1).value().getResultId()).isEqualTo("r-2");
    assertThat(producer.completeNext()).isTrue(); // Kafka is back
    await().atMost(QUICK).until(() -> publisher.inFlight() == 0);
    publisher.publish(claim("r-5"));
    await().atMost(QUICK).until(() -> producer.history().size() == 3);
    assertThat(dropped).hasSize(2);
  }

  @Test
  void afterClose_claimsAreDroppedAsStopped_notThrown() {
    publisher.close(Duration.ofSeconds(1));

    publisher.publish(claim("late"));

    assertThat(dropped).containsExactly(KafkaHandOff.Rejection.STOPPED);
    assertThat(producer.history()).isEmpty();
  }
}
