package io.posrelay.ingest.kafka;

import io.posrelay.ingest.callback.MaskedCardNumbers;
import io.posrelay.ingest.callback.ResultLogFields;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.runtime.log.ThrottledLog;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.ProtobufSerializer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces {@link PaymentResult}s to the results topic, keyed by terminal id, and reports the
 * broker's acknowledgement through a future. The only class of the request path that imports
 * Kafka.
 *
 * <p>{@code Producer#send} may block (metadata fetch, full buffer) for up to {@code max.block.ms},
 * so sends run on {@code sendExecutor}, never on an event loop. At most {@code maxInFlight}
 * records are between {@link #publish} and their broker callback; beyond that, and after {@link
 * #stopAccepting()}, publish fails fast with {@link PublishRejectedException}. A publish whose
 * future the caller already completed (e.g. timed out) before its turn on the executor is skipped.
 *
 * <p><b>Fail fast while Kafka is unreachable.</b> Once a publish fails with a retriable Kafka error
 * (a timeout, a lost connection: {@link RetriableException}), Kafka counts as unreachable: each
 * later publish is rejected at once with {@link PublishRejectedException} (503, ILK retries) while
 * a single publish at a time goes through as a probe. The first publish the broker acknowledges
 * ends that state. So during an outage ILK waits the full publish timeout only for the probe, not
 * for every callback, and nothing piles up in memory.
 *
 * <p>Thread-safe.
 */
public final class PaymentResultPublisher {

  private static final Logger log = LoggerFactory.getLogger(PaymentResultPublisher.class);

  private final Producer<String, PaymentResult> producer;
  private final String topic;
  private final Executor sendExecutor;
  private final int maxInFlight;
  private final IngestMeters meters;
  private final ThrottledLog failures = new ThrottledLog(log);
  private int inFlight; // guarded by this
  private boolean accepting = true; // guarded by this
  private boolean kafkaUnreachable; // guarded by this
  private boolean probeInFlight; // guarded by this
  private volatile long lastAckNanos = Long.MIN_VALUE;

  /**
   * @param producer the producer, {@code acks=all} and idempotent; the caller closes it
   * @param topic the results topic; the record key is the result's terminal id
   * @param sendExecutor where {@code Producer#send} runs, never an event loop; the caller shuts it
   *     down. It should queue at least {@code maxInFlight} tasks: a task it rejects fails its
   *     publish as stopped
   * @param maxInFlight most records between {@link #publish} and the broker's answer, ≥ 1
   * @param meters records each publish's latency and registers the in-flight gauge
   */
  public PaymentResultPublisher(Producer<String, PaymentResult> producer, String topic,
      Executor sendExecutor, int maxInFlight, IngestMeters meters) {
    this.producer = producer;
    this.topic = topic;
    this.sendExecutor = sendExecutor;
    this.maxInFlight = maxInFlight;
    this.meters = meters;
    meters.inFlightGauge(this::inFlight);
  }

  /**
   * Creates the Kafka producer of results: keys are terminal ids (UTF-8 strings), values {@link
   * PaymentResult} protobuf bytes. Does not connect: the first send (or {@link #warmUp}) does.
   *
   * @param properties the producer's properties, serializers excepted: those of ilk-ingest's
   *     results producer ({@code acks=all}, idempotent, timeouts within the publish timeout)
   * @throws org.apache.kafka.common.KafkaException if Kafka refuses the properties (a bad
   *     pass-through value, an unresolvable bootstrap host)
   */
  public static KafkaProducer<String, PaymentResult> createProducer(
      Map<String, Object> properties) {
    return new KafkaProducer<>(properties, new StringSerializer(),
        new ProtobufSerializer<PaymentResult>());
  }

  /**
   * Hands {@code result} to Kafka. Never blocks: any thread may call it, event loops included.
   *
   * @return a future completed with null once the broker acknowledged the record (acks=all), or
   *     exceptionally with {@link PublishRejectedException} (not sent) or the producer's error;
   *     completed on the calling thread (a rejection), the send executor or the producer's I/O
   *     thread. A caller that gives up may complete it itself: if the record was not handed to
   *     the producer yet, it is not sent
   */
  public CompletableFuture<Void> publish(PaymentResult result) {
    CompletableFuture<Void> acked = new CompletableFuture<>();
    boolean probe;
    synchronized (this) {
      if (!accepting) {
        acked.completeExceptionally(new PublishRejectedException("shutting down", true));
        return acked;
      }
      if (inFlight >= maxInFlight) {
        acked.completeExceptionally(new PublishRejectedException(
            "too many results awaiting Kafka (" + maxInFlight + ")", false));
        return acked;
      }
      if (kafkaUnreachable && probeInFlight) {
        acked.completeExceptionally(new PublishRejectedException(
            "result not stored: Kafka unreachable; retry later", false));
        return acked;
      }
      probe = kafkaUnreachable;
      probeInFlight |= probe;
      inFlight++;
    }
    long startNanos = System.nanoTime();
    if (probe) { // only a probe has state to end; the others skip a stage and a lock
      acked.whenComplete((ok, error) -> endProbe());
    }
    try {
      sendExecutor.execute(() -> send(result, acked, startNanos));
    } catch (RejectedExecutionException e) {
      release();
      acked.completeExceptionally(new PublishRejectedException("publisher stopped", true));
    }
    return acked;
  }

  private void send(PaymentResult result, CompletableFuture<Void> acked, long startNanos) {
    if (acked.isDone()) { // answered already (timed out): do not store what was refused
      release();
      return;
    }
    AtomicBoolean completed = new AtomicBoolean();
    try {
      producer.send(new ProducerRecord<>(topic, result.getTerminalId(), result),
          (metadata, error) -> {
            if (completed.compareAndSet(false, true)) {
              meters.publishCompleted(System.nanoTime() - startNanos, error == null);
              kafkaReachable(error == null || !(error instanceof RetriableException));
              if (error == null) {
                lastAckNanos = System.nanoTime();
                if (log.isDebugEnabled()) { // one per accepted callback: DEBUG, not INFO
                  try (LogContext ignored = ResultLogFields.of(result)) {
                    log.debug("stored result_id={} terminal_id={} transaction_id={} at {}-{}@{}",
                        result.getResultId(), MaskedCardNumbers.redact(result.getTerminalId()),
                        MaskedCardNumbers.redact(result.getTransactionId()),
                        metadata.topic(), metadata.partition(), metadata.offset());
                  }
                }
                acked.complete(null);
              } else {
                failed(result, error);
                acked.completeExceptionally(error);
              }
              release(); // after completing, so the answer is queued before close() proceeds
            }
          });
    } catch (RuntimeException e) {
      if (completed.compareAndSet(false, true)) {
        kafkaReachable(!(e instanceof RetriableException));
        meters.publishCompleted(System.nanoTime() - startNanos, false);
        failed(result, e);
        acked.completeExceptionally(e);
        release();
      }
    }
  }

  /** Records what the last publish said about Kafka: reachable, or not (a retriable error). */
  private synchronized void kafkaReachable(boolean reachable) {
    if (reachable == kafkaUnreachable) {
      log.warn(reachable ? "Kafka reachable again: publishing normally"
          : "Kafka unreachable: answering 503 at once, probing with one publish at a time");
    }
    kafkaUnreachable = !reachable;
  }

  /** The probe's answer is in (stored, failed or timed out): the next publish may probe. */
  private synchronized void endProbe() {
    probeInFlight = false;
  }

  /** True while publishes are rejected at once because Kafka did not answer (see class doc). */
  synchronized boolean kafkaUnreachable() {
    return kafkaUnreachable;
  }

  private void failed(PaymentResult result, Throwable error) {
    try (LogContext ignored = ResultLogFields.of(result)) {
      failures.warn("Kafka publish failed result_id={} terminal_id={} transaction_id={}: {}",
          result.getResultId(), MaskedCardNumbers.redact(result.getTerminalId()),
          MaskedCardNumbers.redact(result.getTransactionId()), error.toString());
    }
  }

  /**
   * Fetches the topic's metadata in the background so the first callback does not wait for it.
   * Failure is logged, not fatal: the server answers 503 until Kafka is reachable. Returns at
   * once; runs on the send executor.
   */
  public void warmUp() {
    try {
      sendExecutor.execute(() -> {
        try {
          int partitions = producer.partitionsFor(topic).size();
          log.info("Kafka reachable: topic {} has {} partitions", topic, partitions);
        } catch (RuntimeException e) {
          log.warn("Kafka not reachable yet for topic {}: {}", topic, e.toString());
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("publisher stopped before warm-up");
    }
  }

  /** From now on {@link #publish} rejects with a shutting-down {@link PublishRejectedException}. */
  public synchronized void stopAccepting() {
    accepting = false;
  }

  /**
   * Waits until no record is in flight.
   *
   * @param timeout how long to wait at most; zero or negative = do not wait
   * @return true if none is in flight, false if the timeout passed first
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean awaitNoneInFlight(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * When the broker last acknowledged a publish, on the {@link System#nanoTime()} scale; {@link
   * Long#MIN_VALUE} if it never did. Any thread; never blocks.
   */
  public long lastAckNanos() {
    return lastAckNanos;
  }

  /** Records handed to the producer (or queued for it) and not yet acked or failed. */
  public synchronized int inFlight() {
    return inFlight;
  }

  private synchronized void release() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }
}
