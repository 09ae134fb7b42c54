package io.posrelay.runtime.kafka;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands records to a Kafka {@link Producer} for threads that must never wait for Kafka — Netty
 * event loops, gRPC handlers — and reports the broker's answer through a future. It is the shape
 * of ilk-ingest's results publisher (STYLE.md: "hand off, never block the loop"), for the
 * producers of the other services.
 *
 * <p><b>Off the caller's thread.</b> {@code Producer#send} may block for up to {@code
 * max.block.ms}: a cold metadata fetch, or a full {@code buffer.memory} while the broker is away.
 * So every send runs on this hand-off's own thread, never on the caller's; {@link #send} only
 * queues.
 *
 * <p><b>Bounded.</b> At most {@code maxInFlight} records are between {@link #send} and the
 * broker's answer (queued here, or in the producer); beyond that, {@link #send} fails at once with
 * {@link Rejected} {@link Rejection#FULL}. Nothing grows without bound while Kafka is slow.
 *
 * <p><b>Fail fast while Kafka is unreachable.</b> Once a send fails with a retriable Kafka error (a
 * timeout, a lost connection: {@link RetriableException}), Kafka counts as unreachable: each later
 * {@link #send} fails at once with {@link Rejection#KAFKA_UNREACHABLE} while a single record at a
 * time goes through as a probe. The first record the broker acknowledges ends that state. So an
 * outage costs the callers one failed probe at a time, not a pile of records each waiting out the
 * producer's timeouts.
 *
 * <p>A record whose future is already complete when its turn comes (the caller gave up: timed out,
 * cancelled) is not sent. Once handed to the producer it cannot be recalled.
 *
 * <p>Threads: {@link #send} may be called from any thread and never blocks. The state below is
 * guarded by {@code this}; the producer is used by the hand-off thread only (and by {@link
 * #close}). A future completes on the calling thread (a rejection), the hand-off thread (a send
 * that threw) or the producer's I/O thread (the broker's answer): keep what depends on it short and
 * non-blocking, or it delays the producer.
 *
 * @param <K> the record key
 * @param <V> the record value
 */
public final class KafkaHandOff<K, V> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaHandOff.class);

  /** Why {@link #send} refused a record without sending it. */
  public enum Rejection {
    /** {@code maxInFlight} records were already awaiting the broker. */
    FULL,
    /** Kafka did not answer the last send and a probe is already in flight (see class doc). */
    KAFKA_UNREACHABLE,
    /** {@link #close} was called. */
    STOPPED
  }

  /**
   * A record refused at once, never handed to the producer. Carries no stack trace: refusals come
   * in floods while Kafka is away, on threads (event loops) that must stay cheap.
   */
  public static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Rejection rejection;

    Rejected(Rejection rejection, String message) {
      super(message, null, false, false);
      this.rejection = rejection;
    }

    /** Why the record was refused. */
    public Rejection rejection() {
      return rejection;
    }
  }

  private final Producer<K, V> producer;
  private final String name;
  private final int maxInFlight;
  private final ThreadPoolExecutor sender;
  private int inFlight; // guarded by this
  private boolean accepting = true; // guarded by this
  private boolean kafkaUnreachable; // guarded by this
  private boolean probeInFlight; // guarded by this

  /**
   * Starts the hand-off thread ({@code posrelay-<name>-send}, a daemon).
   *
   * @param producer the producer; this hand-off uses it from its own thread only and closes it in
   *     {@link #close}
   * @param name what the records are, for the thread name and log lines: {@code relay-1-claims}
   * @param maxInFlight most records between {@link #send} and the broker's answer, >= 1
   * @throws IllegalArgumentException if {@code maxInFlight} < 1
   */
  public KafkaHandOff(Producer<K, V> producer, String name, int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    this.producer = producer;
    this.name = name;
    this.maxInFlight = maxInFlight;
    // One thread keeps the producer's per-partition order; the queue holds at most maxInFlight,
    // which send() checks before queueing.
    this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(maxInFlight), r -> {
          Thread t = new Thread(r, "posrelay-" + name + "-send");
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Queues {@code record} for the producer. Never blocks: any thread may call it, event loops
   * included.
   *
   * @return a future completed with the record's metadata once the broker acknowledged it, or
   *     exceptionally with {@link Rejected} (not sent: full, Kafka unreachable, stopped) or the
   *     producer's error (e.g. {@link org.apache.kafka.common.errors.TimeoutException} after
   *     {@code delivery.timeout.ms}). A caller that gives up may complete it itself ({@link
   *     CompletableFuture#orTimeout}): if the record was not handed to the producer yet, it is not
   *     sent
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
    CompletableFuture<RecordMetadata> answer = new CompletableFuture<>();
    boolean probe;
    synchronized (this) {
      if (!accepting) {
        answer.completeExceptionally(new Rejected(Rejection.STOPPED, name + ": stopped"));
        return answer;
      }
      if (inFlight >= maxInFlight) {
        answer.completeExceptionally(new Rejected(Rejection.FULL,
            name + ": " + maxInFlight + " records already awaiting Kafka"));
        return answer;
      }
      if (kafkaUnreachable && probeInFlight) {
        answer.completeExceptionally(new Rejected(Rejection.KAFKA_UNREACHABLE,
            name + ": Kafka unreachable; not sent"));
        return answer;
      }
      probe = kafkaUnreachable;
      probeInFlight |= probe;
      inFlight++;
    }
    Send task = new Send(record, answer, probe);
    try {
      sender.execute(task);
    } catch (RejectedExecutionException stopped) {
      task.refuse(Rejection.STOPPED);
    }
    return answer;
  }

  /**
   * Fetches {@code topic}'s metadata on the hand-off thread, so that the first record does not
   * wait for it. A failure is logged, not thrown. Returns at once.
   *
   * @param topic the topic the records will go to
   */
  public void warmUp(String topic) {
    try {
      sender.execute(() -> {
        try {
          log.debug("{}: topic {} has {} partitions", name, topic,
              producer.partitionsFor(topic).size());
        } catch (RuntimeException e) {
          log.warn("{}: Kafka not reachable yet for topic {}: {}", name, topic, e.toString());
        }
      });
    } catch (RejectedExecutionException stopped) {
      log.debug("{}: stopped before warm-up", name);
    }
  }

  /** Records sent or queued and not yet acknowledged or failed. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** True while records are refused at once because Kafka did not answer (see class doc). */
  public synchronized boolean kafkaUnreachable() {
    return kafkaUnreachable;
  }

  /**
   * Stops accepting ({@link Rejection#STOPPED} from now on), lets the records already queued reach
   * the producer, then closes the producer, which sends what it buffers. Records still queued when
   * {@code timeout} has passed are failed with {@link Rejection#STOPPED}, and so are those the
   * producer could not send by then (with the producer's error). Idempotent.
   *
   * @param timeout the bound on the whole close, >= 0
   */
  public void close(Duration timeout) {
    synchronized (this) {
      if (!accepting) {
        return;
      }
      accepting = false;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    sender.shutdown(); // what is queued still runs: it reaches the producer
    try {
      if (!sender.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        List<Runnable> left = sender.shutdownNow(); // interrupts a send stuck on metadata
        for (Runnable r : left) {
          ((Send) r).refuse(Rejection.STOPPED);
        }
        log.warn("{}: {} record(s) not handed to Kafka within {} at close", name, left.size(),
            timeout);
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
  }

  /** Same as {@link #close(Duration)} with 5 seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /** Records what the last answer said about Kafka: reachable, or not (a retriable error). */
  private synchronized void kafkaReachable(boolean reachable) {
    if (reachable == kafkaUnreachable) {
      if (reachable) {
        log.warn("{}: Kafka reachable again; sending normally", name);
      } else {
        log.warn("{}: Kafka unreachable; refusing records at once while one at a time probes",
            name);
      }
    }
    kafkaUnreachable = !reachable;
  }

  private synchronized void release(boolean wasProbe) {
    inFlight--;
    if (wasProbe) {
      probeInFlight = false;
    }
  }

  /** One record on its way to the producer. Runs on the hand-off thread. */
  private final class Send implements Runnable {
    private final ProducerRecord<K, V> record;
    private final CompletableFuture<RecordMetadata> answer;
    private final boolean probe;
    private final AtomicBoolean done = new AtomicBoolean();

    Send(ProducerRecord<K, V> record, CompletableFuture<RecordMetadata> answer, boolean probe) {
      this.record = record;
      this.answer = answer;
      this.probe = probe;
    }

    @Override
    public void run() {
      if (answer.isDone()) { // the caller gave up before its turn: do not send what it gave up
        finish();
        return;
      }
      try {
        producer.send(record, (metadata, error) -> {
          if (error == null) {
            kafkaReachable(true);
            finish();
            answer.complete(metadata);
          } else {
            kafkaReachable(!(error instanceof RetriableException));
            finish();
            answer.completeExceptionally(error);
          }
        });
      } catch (RuntimeException e) { // a send that could not even be buffered
        kafkaReachable(!(e instanceof RetriableException));
        finish();
        answer.completeExceptionally(e);
      }
    }

    void refuse(Rejection rejection) {
      finish();
      answer.completeExceptionally(new Rejected(rejection, name + ": " + rejection));
    }

    /** Frees the in-flight slot (once), before the answer: a caller may send again at once. */
    private void finish() {
      if (done.compareAndSet(false, true)) {
        release(probe);
      }
    }
  }
}
