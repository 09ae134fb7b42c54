package io.posrelay.testkit.kafka;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A {@link MockProducer} whose {@code send} can be made to block, as {@code KafkaProducer#send}
 * blocks for up to {@code max.block.ms} while Kafka is unreachable: a cold metadata fetch, or a
 * full {@code buffer.memory}. {@link #stall()} makes every later send wait until {@link
 * #release()} (or a minute, then it throws Kafka's {@link TimeoutException}); an interrupted
 * send throws Kafka's {@link InterruptException}, as the real producer does. Once a send gets
 * through, the record is in {@link #history()} and, unless {@link #autoComplete(boolean)} is off,
 * acknowledged at once.
 *
 * <p>Thread-safe, as MockProducer is.
 *
 * @param <K> the record key
 * @param <V> the record value
 */
public final class StalledProducer<K, V> extends MockProducer<K, V> {
  /** How long a stalled send waits at most before it fails, as max.block.ms would. */
  public static final Duration LONGEST_STALL = Duration.ofMinutes(1);

  private volatile CountDownLatch gate = new CountDownLatch(0);
  private final AtomicInteger stalled = new AtomicInteger();
  private volatile boolean autoComplete = true;

  /**
   * A producer that acknowledges every record it gets (until {@link #autoComplete} says not).
   *
   * @param keys the key serializer (MockProducer serializes every record)
   * @param values the value serializer
   */
  public StalledProducer(Serializer<K> keys, Serializer<V> values) {
    super(false, null, keys, values);
  }

  /** From now on every send blocks until {@link #release()}. */
  public void stall() {
    gate = new CountDownLatch(1);
  }

  /** Lets every blocked and later send through. */
  public void release() {
    gate.countDown();
  }

  /**
   * Whether a record that got through is acknowledged at once (the default); off, complete it
   * with {@link #completeNext()} or {@link #errorNext(RuntimeException)}.
   */
  public void autoComplete(boolean on) {
    autoComplete = on;
  }

  /** How many sends are blocked right now. */
  public int stalledSends() {
    return stalled.get();
  }

  @Override
  public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
    stalled.incrementAndGet();
    try {
      if (!gate.await(LONGEST_STALL.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new TimeoutException("stalled for " + LONGEST_STALL);
      }
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    } finally {
      stalled.decrementAndGet();
    }
    Future<RecordMetadata> sent = super.send(record, callback);
    if (autoComplete) {
      completeNext();
    }
    return sent;
  }
}
