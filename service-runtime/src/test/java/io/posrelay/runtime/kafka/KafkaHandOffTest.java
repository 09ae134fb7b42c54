package io.posrelay.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class KafkaHandOffTest {
  /** Generous for a busy 2-core machine; a send that waited for Kafka would take "forever". */
  private static final Duration QUICK = Duration.ofSeconds(2);

  private final StalledProducer producer = new StalledProducer();
  private KafkaHandOff<String, String> handOff = new KafkaHandOff<>(producer, "test", 3);

  @AfterEach
  void close() {
    producer.release();
    handOff.close(Duration.ofSeconds(5));
  }

  private static ProducerRecord<String, String> record(String value) {
    return new ProducerRecord<>("topic", "T1", value);
  }

  private static Throwable failure(CompletableFuture<?> future) {
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

  private static KafkaHandOff.Rejection rejection(CompletableFuture<?> future) {
    Throwable cause = failure(future);
    assertThat(cause).isInstanceOf(KafkaHandOff.Rejected.class);
    return ((KafkaHandOff.Rejected) cause).rejection();
  }

  @Test
  void send_returnsAtOnce_whileTheProducerIsStuck_andRefusesBeyondTheBound() {
    producer.stall();
    List<CompletableFuture<RecordMetadata>> answers = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      answers.add(handOff.send(record("r" + i)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(QUICK);
    await().atMost(QUICK).until(producer::stalledSends, n -> n == 1);
    assertThat(answers.subList(0, 3)).allSatisfy(a -> assertThat(a).isNotDone());
    assertThat(rejection(answers.get(3))).isEqualTo(KafkaHandOff.Rejection.FULL);
    assertThat(rejection(answers.get(4))).isEqualTo(KafkaHandOff.Rejection.FULL);
    assertThat(handOff.inFlight()).isEqualTo(3);

    producer.release();
    await().atMost(QUICK).until(() -> answers.subList(0, 3).stream().allMatch(Future::isDone));
    assertThat(answers.subList(0, 3)).allSatisfy(a -> assertThat(a).isCompleted());
    assertThat(producer.history()).extracting(ProducerRecord::value)
        .containsExactly("r0", "r1", "r2");
    assertThat(handOff.inFlight()).isZero();
    assertThat(handOff.send(record("r5"))).succeedsWithin(QUICK);
  }

  @Test
  void afterARetriableError_laterRecordsAreRefusedAtOnce_whileOneProbes_untilOneIsAcked() {
    producer.autoComplete(false);
    CompletableFuture<RecordMetadata> first = handOff.send(record("r1"));
    await().atMost(QUICK).until(() -> producer.history().size() == 1);
    producer.errorNext(new TimeoutException("Kafka down"));
    assertThat(failure(first)).isInstanceOf(TimeoutException.class);
    assertThat(handOff.kafkaUnreachable()).isTrue();

    CompletableFuture<RecordMetadata> probe = handOff.send(record("r2"));
    CompletableFuture<RecordMetadata> refused = handOff.send(record("r3"));

    assertThat(rejection(refused)).isEqualTo(KafkaHandOff.Rejection.KAFKA_UNREACHABLE);
    await().atMost(QUICK).until(() -> producer.history().size() == 2);
    assertThat(probe).isNotDone();
    assertThat(producer.completeNext()).isTrue();
    assertThat(probe).succeedsWithin(QUICK);
    assertThat(handOff.kafkaUnreachable()).isFalse();
    CompletableFuture<RecordMetadata> a = handOff.send(record("r4"));
    CompletableFuture<RecordMetadata> b = handOff.send(record("r5"));
    assertThat(a).isNotCompletedExceptionally();
    assertThat(b).isNotCompletedExceptionally();
  }

  @Test
  void aRecordWhoseCallerGaveUpBeforeItsTurn_isNotSent() {
    producer.stall();
    CompletableFuture<RecordMetadata> first = handOff.send(record("r1"));
    CompletableFuture<RecordMetadata> abandoned = handOff.send(record("r2"));
    await().atMost(QUICK).until(producer::stalledSends, n -> n == 1);
    abandoned.completeExceptionally(new java.util.concurrent.TimeoutException("caller's deadline"));

    producer.release();

    assertThat(first).succeedsWithin(QUICK);
    await().atMost(QUICK).until(() -> handOff.inFlight() == 0);
    assertThat(producer.history()).extracting(ProducerRecord::value).containsExactly("r1");
  }

  @Test
  void close_handsWhatIsQueuedToTheProducer_thenRefusesNewRecords() {
    producer.stall();
    List<CompletableFuture<RecordMetadata>> answers = List.of(handOff.send(record("r1")),
        handOff.send(record("r2")), handOff.send(record("r3")));
    await().atMost(QUICK).until(producer::stalledSends, n -> n == 1);

    // Full (3 in flight), so a record sent before close stops accepting is refused too.
    CompletableFuture<Void> closing = CompletableFuture.runAsync(
        () -> handOff.close(Duration.ofSeconds(30)));
    await().atMost(QUICK).until(() -> rejected(handOff.send(record("late"))));
    producer.release();

    assertThat(closing).succeedsWithin(QUICK.multipliedBy(5));
    assertThat(producer.history()).extracting(ProducerRecord::value).containsExactly("r1", "r2", "r3");
    assertThat(answers).allSatisfy(a -> assertThat(a).isCompleted());
    assertThat(producer.closed()).isTrue();
  }

  @Test
  void close_isBounded_whenASendNeverReturns() {
    producer.stall();
    handOff.send(record("stuck"));
    CompletableFuture<RecordMetadata> queued = handOff.send(record("queued"));
    await().atMost(QUICK).until(producer::stalledSends, n -> n == 1);

    long start = System.nanoTime();
    handOff.close(Duration.ofMillis(500));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.printf("KafkaHandOff close with a stuck send took %d ms (bound 500 ms)%n",
        took.toMillis());
    assertThat(took).isLessThan(Duration.ofSeconds(5));
    assertThat(rejection(queued)).isEqualTo(KafkaHandOff.Rejection.STOPPED);
    assertThat(rejected(handOff.send(record("after")))).isTrue();
  }

  @Test
  void maxInFlight_mustBePositive() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new KafkaHandOff<>(new MockProducer<String, String>(), "x", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxInFlight: 0 (expected: >= 1)");
  }

  private static boolean rejected(CompletableFuture<?> answer) {
    return answer.isCompletedExceptionally()
        && failure(answer) instanceof KafkaHandOff.Rejected r
        && r.rejection() == KafkaHandOff.Rejection.STOPPED;
  }

  /**
   * A {@link MockProducer} whose {@code send} can be made to block, as {@code KafkaProducer#send}
   * does for up to {@code max.block.ms} on a cold metadata fetch or a full buffer.
   */
  static final class StalledProducer extends MockProducer<String, String> {
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile int stalled;
    private volatile boolean autoComplete = true;

    StalledProducer() {
      super(false, null, new StringSerializer(), new StringSerializer());
    }

    void stall() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    void autoComplete(boolean on) {
      autoComplete = on;
    }

    /** Sends now blocked in {@code send}. */
    int stalledSends() {
      return stalled;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<String, String> record, Callback callback) {
      stalled++;
      try {
        if (!gate.await(1, TimeUnit.MINUTES)) {
          throw new TimeoutException("test producer stalled for a minute");
        }
      } catch (InterruptedException e) {
        throw new InterruptException(e);
      } finally {
        stalled--;
      }
      Future<RecordMetadata> sent = super.send(record, callback);
      if (autoComplete) {
        completeNext();
      }
      return sent;
    }
  }
}
