package io.posrelay.ingest.kafka;

import io.posrelay.runtime.management.Health;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether ilk-ingest reached Kafka recently: its readiness. Kafka counts as reached when, within
 * the window ({@code ready.kafka-window.ms}, 15 s by default), either the broker acknowledged a
 * published result ({@link PaymentResultPublisher#lastAckNanos()}), or a probe answered: a
 * {@code DescribeTopics} of the results topic, through an admin client, in which every partition
 * has a leader. Probes run only while no ack came for a third of the window, so under traffic
 * they cost nothing, and when idle one small metadata request per third of the window.
 *
 * <p>Why this signal: an ack is the producer's own proof; a leader for every partition is what a
 * send needs next, and the probe needs no traffic, so an idle ingest during the night stays
 * ready, and an ingest taken out of its load balancer (no traffic) sees Kafka come back. A
 * producer that reaches the brokers but whose sends fail for another reason (e.g. {@code
 * min.insync.replicas} not met) is still ready: callbacks get 503 and ILK retries; the publish
 * meters show it.
 *
 * <p>Thread-safe: the state is in volatile fields, written by the probe's callback (an admin
 * client thread) and the publisher, read by the management threads.
 */
public final class KafkaContact implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaContact.class);

  /** One look at Kafka: completes with a detail when it answered, exceptionally when not. */
  @FunctionalInterface
  public interface Probe extends AutoCloseable {
    /**
     * Asks Kafka once; never blocks.
     *
     * @param timeout bound of the ask, > 0
     * @return completes with a one-line detail, or exceptionally with why Kafka did not answer
     */
    CompletionStage<String> probe(Duration timeout);

    /** Releases the probe's client. */
    @Override
    default void close() {}
  }

  private final Probe probe;
  private final LongSupplier lastAckNanos;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private final AtomicBoolean probing = new AtomicBoolean();
  private final ScheduledExecutorService scheduler;
  private volatile long lastProbeNanos;
  private volatile String lastAnswer = "the start-up topic check";
  private volatile String lastFailure = "none failed";
  private volatile boolean reachable = true;

  /**
   * A contact that probes once {@link #start()}ed.
   *
   * @param probe asks Kafka; closed by {@link #close()}
   * @param lastAckNanos when the broker last acknowledged a publish ({@code System.nanoTime()}
   *     scale); {@code Long.MIN_VALUE} if never
   * @param window how recent an answer must be, >= 300 ms
   * @param contactAtStart when Kafka last answered before this (the start-up topic check)
   * @param nanoTime the clock of all the above, {@code System::nanoTime}
   * @param threadName the probing thread's name
   */
  public KafkaContact(Probe probe, LongSupplier lastAckNanos, Duration window, long contactAtStart,
      LongSupplier nanoTime, String threadName) {
    this.probe = probe;
    this.lastAckNanos = lastAckNanos;
    this.windowNanos = window.toNanos();
    this.nanoTime = nanoTime;
    this.lastProbeNanos = contactAtStart;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }

  /** Probes every third of the window from now on, while no publish is acked. Call once. */
  public void start() {
    long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(100), windowNanos / 3);
    scheduler.scheduleWithFixedDelay(this::probeIfQuiet, tick, tick, TimeUnit.NANOSECONDS);
  }

  /**
   * A probe of the results topic through {@code admin}: every partition has a leader.
   *
   * @param admin closed with the probe
   * @param topic the results topic
   */
  public static Probe describing(Admin admin, String topic) {
    return new Probe() {
      @Override
      public CompletionStage<String> probe(Duration timeout) {
        return admin.describeTopics(Set.of(topic),
                new DescribeTopicsOptions().timeoutMs((int) timeout.toMillis()))
            .allTopicNames().toCompletionStage()
            .thenApply(topics -> leaders(topics, topic));
      }

      @Override
      public void close() {
        admin.close(Duration.ofSeconds(1));
      }
    };
  }

  private static String leaders(Map<String, TopicDescription> topics, String topic) {
    TopicDescription description = topics.get(topic);
    if (description == null) {
      throw new IllegalStateException("topic " + topic + " not described");
    }
    for (TopicPartitionInfo partition : description.partitions()) {
      if (partition.leader() == null || partition.leader().isEmpty()) {
        throw new IllegalStateException(topic + "-" + partition.partition() + " has no leader");
      }
    }
    return description.partitions().size() + " partition(s) of " + topic + " with a leader";
  }

  /** Probes once, unless Kafka answered within the last third of the window or one is out. */
  void probeIfQuiet() {
    long now = nanoTime.getAsLong();
    if (now - lastContactNanos() < windowNanos / 3 || !probing.compareAndSet(false, true)) {
      return;
    }
    CompletionStage<String> answer;
    try {
      answer = probe.probe(Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(100),
          windowNanos / 3)));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    answer.whenComplete((detail, error) -> {
      if (error == null) {
        lastAnswer = detail;
        lastProbeNanos = nanoTime.getAsLong();
        if (!reachable) {
          log.info("Kafka answers again: {}", detail);
        }
        reachable = true;
      } else {
        Throwable cause = error instanceof java.util.concurrent.CompletionException
            && error.getCause() != null ? error.getCause() : error;
        lastFailure = cause.toString();
        if (reachable && nanoTime.getAsLong() - lastContactNanos() > windowNanos) {
          reachable = false;
          log.warn("Kafka has not answered for more than {} ms: not ready; last probe: {}",
              TimeUnit.NANOSECONDS.toMillis(windowNanos), cause.toString());
        }
      }
      probing.set(false);
    });
  }

  private long lastContactNanos() {
    return Math.max(lastProbeNanos, lastAckNanos.getAsLong());
  }

  /**
   * Readiness: UP when Kafka answered (an ack or a probe) within the window, DOWN otherwise,
   * saying how long ago and what the last probe got.
   */
  public Health.Status status() {
    return status(nanoTime.getAsLong(), lastAckNanos.getAsLong(), lastProbeNanos, lastAnswer,
        lastFailure, windowNanos);
  }

  /**
   * The rule of {@link #status()}, as a pure function. Package-private for tests.
   *
   * @param now the clock now, nanoseconds
   * @param lastAck when a publish was last acked; {@code Long.MIN_VALUE} if never
   * @param lastProbeOk when a probe (or the start-up check) last answered
   * @param lastAnswer what that probe said
   * @param lastFailure what the last failed probe got
   * @param windowNanos the window
   */
  static Health.Status status(long now, long lastAck, long lastProbeOk, String lastAnswer,
      String lastFailure, long windowNanos) {
    boolean byAck = lastAck != Long.MIN_VALUE && lastAck - lastProbeOk >= 0;
    long last = byAck ? lastAck : lastProbeOk;
    long agoMillis = TimeUnit.NANOSECONDS.toMillis(now - last);
    String window = " (window " + TimeUnit.NANOSECONDS.toMillis(windowNanos) + " ms)";
    if (now - last <= windowNanos) {
      return Health.Status.up("Kafka answered " + agoMillis + " ms ago ("
          + (byAck ? "a publish acked" : lastAnswer) + ")" + window);
    }
    return Health.Status.down("no answer from Kafka for " + agoMillis + " ms" + window
        + "; last probe: " + lastFailure);
  }

  /** Stops probing and closes the probe. Idempotent. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      probe.close();
    } catch (RuntimeException e) {
      log.debug("closing the Kafka probe failed: {}", e.toString());
    }
  }
}
