package io.posrelay.ingest.receipt;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.ingest.metrics.ReceiptMeters;
import io.posrelay.runtime.log.ThrottledLog;
import io.posrelay.runtime.management.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a receipt to ILK for every receipt-worthy delivery event ({@link Receipt#of}), at least
 * once: a consumer-group member over the delivery-events topic that commits a partition's offset
 * only past events whose receipt ILK accepted (2xx) or that went to the dead-letter topic, so a
 * restart re-sends at most the receipts in flight and never skips one.
 *
 * <p><b>Order and memory.</b> A partition's events are held in a {@link PartitionLane} and sent one
 * at a time, head first; a partition with events in memory is paused, so it is fetched again only
 * once its lane is empty. Memory is thus bounded by {@code max.poll.records} per assigned
 * partition, however long ILK is down; a failing receipt holds back only its own partition.
 *
 * <p><b>Failures.</b> {@link SendOutcome.Retry} → the head waits out {@link RetryPolicy#backoff}
 * (its partition stays paused), unless its transition is older than the maximum age: then, like a
 * {@link SendOutcome.Refused}, it goes to the dead-letter topic ({@link DeadLetters}), and is done
 * only once the broker acked that record. An event the deserializer cannot read is logged with its
 * coordinates and skipped.
 *
 * <p><b>Threads.</b> One thread of its own ({@code ilk-receipts}) owns the consumer, the lanes and
 * the offsets; POST answers (the poster's threads) and dead-letter acks (the producer's I/O thread)
 * come back through a queue, which holds at most one completion per lane. {@link #close} and the
 * getters may be called from any thread. A throwable escaping the loop (a fatal Kafka error, a
 * bug) ends the thread and completes {@link #failure()}; {@link #status()} is then down.
 */
public final class ReceiptSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReceiptSender.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long COMMIT_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /**
   * @param topic the delivery-events topic
   * @param deadLetterTopic where refused and expired receipts go
   * @param retry backoff and maximum age
   * @param shutdownTimeout how long {@link #close} waits for receipts in flight
   */
  public record Settings(String topic, String deadLetterTopic, RetryPolicy retry,
      Duration shutdownTimeout) {}

  /** An answer for a lane's head: a POST's outcome, or a dead-letter send's. */
  private record Completion(TopicPartition partition, PartitionLane lane, long generation,
      @Nullable SendOutcome outcome, @Nullable Exception deadLetterFailure) {}

  private final Consumer<String, DeliveryEvent> consumer;
  private final Producer<String, byte[]> deadLetters;
  private final ReceiptPoster poster;
  private final Settings settings;
  private final ReceiptMeters meters;
  private final Clock clock;
  private final ThrottledLog throttled = new ThrottledLog(log);
  private final Map<TopicPartition, PartitionLane> lanes = new HashMap<>();
  private final ReceiptCommits commits;
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> failure = new CompletableFuture<>();
  private final AtomicBoolean wakeUpPending = new AtomicBoolean(); // see wakeUp()
  private final Thread thread;
  private int inFlight;
  private long lastCommitNanos;
  private volatile boolean running = true;
  private final LaneStats stats;
  private volatile int assigned;

  /**
   * Creates the sender; {@link #start} runs it. It owns and closes the consumer, the producer and
   * the poster.
   *
   * @param consumer a consumer-group member, {@code read_committed}, auto-commit off
   * @param deadLetters an idempotent {@code acks=all} producer
   */
  public ReceiptSender(Consumer<String, DeliveryEvent> consumer,
      Producer<String, byte[]> deadLetters, ReceiptPoster poster, Settings settings,
      ReceiptMeters meters, Clock clock) {
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.poster = poster;
    this.settings = settings;
    this.meters = meters;
    this.clock = clock;
    commits = new ReceiptCommits(consumer, lanes);
    stats = new LaneStats(clock);
    thread = new Thread(this::run, "ilk-receipts");
    thread.setDaemon(true);
  }

  /** Starts the sender's thread. */
  public ReceiptSender start() {
    thread.start();
    return this;
  }

  /** Completes, with one line, if the sender's thread died; never for a {@link #close}. */
  public CompletableFuture<String> failure() {
    return failure;
  }

  /** Readiness: up while the sender's thread runs. Thread-safe. */
  public Health.Status status() {
    if (failure.isDone()) {
      return Health.Status.down(failure.getNow("stopped"));
    }
    if (!thread.isAlive()) {
      return Health.Status.down(running ? "not started" : "stopped");
    }
    return Health.Status.up(assigned + " partition(s), " + stats.buffered() + " event(s) in memory,"
        + " oldest unsent " + (long) oldestUnsentSeconds() + " s");
  }

  /** Seconds since the transition of the oldest receipt not yet sent or dead-lettered; 0 if none. */
  public double oldestUnsentSeconds() {
    return stats.oldestUnsentSeconds();
  }

  /** Delivery events held in memory now. */
  public int bufferedEvents() {
    return stats.buffered();
  }

  /** The most delivery events ever held in memory at once (the bound's witness). */
  public int maxBufferedEvents() {
    return stats.maxBuffered();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(settings.topic()), new Rebalance());
      while (running) {
        step();
      }
      drain(System.nanoTime() + settings.shutdownTimeout().toNanos());
      commits.commitSync(lanes.keySet());
    } catch (WakeupException e) {
      if (running) {
        fail(e);
      }
    } catch (Throwable t) {
      fail(t);
    } finally {
      closeQuietly();
    }
  }

  private void fail(Throwable t) {
    log.error("the receipt sender stopped: {}; receipts to ILK are NOT sent until ilk-ingest is"
        + " restarted (uncommitted ones are re-sent then)", t.toString(), t);
    failure.complete("receipt sender died: " + t);
  }

  private void step() {
    ConsumerRecords<String, DeliveryEvent> records = poll();
    Instant now = clock.instant();
    for (TopicPartition tp : records.partitions()) {
      PartitionLane lane = lanes.computeIfAbsent(tp, p -> new PartitionLane());
      for (ConsumerRecord<String, DeliveryEvent> record : records.records(tp)) {
        lane.add(record.offset(), record.value() == null ? null : Receipt.of(record.value(), now));
      }
      consumer.pause(List.of(tp));
    }
    wakeUpPending.set(false); // before draining: a later answer wakes the next poll
    List<Completion> done = new ArrayList<>();
    completions.drainTo(done);
    for (Completion completion : done) {
      complete(completion);
    }
    long nowNanos = System.nanoTime();
    List<TopicPartition> resume = new ArrayList<>();
    for (Map.Entry<TopicPartition, PartitionLane> e : lanes.entrySet()) {
      PartitionLane lane = e.getValue();
      lane.skipNonReceipts();
      PartitionLane.Entry head = lane.dueHead(nowNanos);
      if (head != null) {
        post(e.getKey(), lane, head);
      }
      if (lane.isEmpty()) {
        resume.add(e.getKey());
      }
    }
    resume.retainAll(consumer.paused());
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
    if (nowNanos - lastCommitNanos >= COMMIT_INTERVAL_NANOS) {
      commits.commitAsync();
      lastCommitNanos = nowNanos;
    }
    stats.update(lanes.values());
  }

  private ConsumerRecords<String, DeliveryEvent> poll() {
    try {
      return consumer.poll(completions.isEmpty() ? POLL : Duration.ZERO);
    } catch (WakeupException e) {
      return ConsumerRecords.empty();
    } catch (RecordDeserializationException e) {
      log.warn("delivery event {}@{} is not a DeliveryEvent ({}); skipped, no receipt",
          e.topicPartition(), e.offset(), e.getMessage());
      consumer.seek(e.topicPartition(), e.offset() + 1);
      return ConsumerRecords.empty();
    }
  }

  private void post(TopicPartition tp, PartitionLane lane, PartitionLane.Entry head) {
    Receipt receipt = head.receipt();
    long generation = lane.startHead();
    inFlight++;
    poster.post(receipt, ReceiptJson.toJson(receipt)).whenComplete((outcome, t) -> {
      completions.add(new Completion(tp, lane, generation,
          outcome != null ? outcome : SendOutcome.ofFailure(t), null));
      wakeUp();
    });
  }

  private void complete(Completion c) {
    inFlight--;
    if (lanes.get(c.partition()) != c.lane() || !c.lane().isCurrent(c.generation())) {
      return; // the partition was revoked meanwhile: its new owner sends it again
    }
    PartitionLane lane = c.lane();
    Receipt receipt = lane.head().receipt();
    String kind = receipt.kind().tagValue();
    SendOutcome outcome = c.outcome();
    if (outcome == null) { // a dead-letter send's answer
      if (c.deadLetterFailure() == null) {
        lane.completeHead();
        return;
      }
      throttled.warn("dead-lettering receipt {} failed ({}); retrying it",
          receipt.receiptId(), c.deadLetterFailure().toString());
      backOff(lane, null);
      return;
    }
    if (outcome instanceof SendOutcome.Sent) {
      lane.completeHead();
      meters.sent(kind);
    } else if (outcome instanceof SendOutcome.Refused refused) {
      deadLetter(c.partition(), lane, receipt, false, "HTTP " + refused.status());
    } else if (outcome instanceof SendOutcome.Retry retry) {
      if (settings.retry().expired(receipt.at(), clock.instant())) {
        deadLetter(c.partition(), lane, receipt, true, "expired after "
            + (lane.failedAttempts() + 1) + " attempts, last: " + retry.reason());
      } else {
        meters.retried(kind);
        throttled.warn("receipt {} for result {} not accepted by ILK ({}); retrying",
            receipt.receiptId(), receipt.resultId(), retry.reason());
        backOff(lane, retry.retryAfter());
      }
    }
  }

  /** Cuts the loop's poll short: an answer is waiting. Once per poll, not per answer. */
  private void wakeUp() {
    if (!wakeUpPending.compareAndSet(false, true)) {
      return; // one is on its way, and the loop drains every answer after it
    }
    try {
      consumer.wakeup();
    } catch (RuntimeException e) { // closed: nobody is polling
    }
  }

  private void backOff(PartitionLane lane, @Nullable Duration retryAfter) {
    Duration delay = settings.retry().backoff(lane.failedAttempts() + 1, retryAfter,
        () -> ThreadLocalRandom.current().nextDouble());
    lane.failHead(System.nanoTime() + delay.toNanos());
  }

  private void deadLetter(TopicPartition tp, PartitionLane lane, Receipt receipt,
      boolean expired, String detail) {
    log.warn("receipt {} for result {} ({}) goes to {}: {}", receipt.receiptId(),
        receipt.resultId(), receipt.kind(), settings.deadLetterTopic(), detail);
    long generation = lane.startHead();
    long offset = lane.head().offset();
    inFlight++;
    try {
      deadLetters.send(DeadLetters.record(settings.deadLetterTopic(), receipt, expired, detail,
          tp, offset, lane.failedAttempts() + 1), (metadata, e) -> {
            if (e == null) {
              meters.deadLettered(receipt.kind().tagValue(), expired);
            }
            completions.add(new Completion(tp, lane, generation, null, e));
            wakeUp();
          });
    } catch (RuntimeException e) {
      completions.add(new Completion(tp, lane, generation, null, e));
    }
  }

  private void drain(long deadlineNanos) throws InterruptedException {
    while (inFlight > 0) {
      long left = deadlineNanos - System.nanoTime();
      Completion c = left <= 0 ? null : completions.poll(left, TimeUnit.NANOSECONDS);
      if (c == null) {
        log.warn("stopping with {} receipt(s) in flight: they are sent again after a restart",
            inFlight);
        return;
      }
      inFlight--;
      boolean current = lanes.get(c.partition()) == c.lane() && c.lane().isCurrent(c.generation());
      boolean done = c.outcome() instanceof SendOutcome.Sent
          || (c.outcome() == null && c.deadLetterFailure() == null);
      if (current && done) {
        if (c.outcome() != null) {
          meters.sent(c.lane().head().receipt().kind().tagValue());
        }
        c.lane().completeHead();
      }
    }
  }

  /** Commits a partition's progress before it goes; its new owner carries on from there. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      commits.commitSync(partitions);
      forget(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      assigned = consumer.assignment().size();
    }

    private void forget(Collection<TopicPartition> partitions) {
      partitions.forEach(tp -> {
        lanes.remove(tp);
        commits.forget(tp);
      });
      assigned = consumer.assignment().size() - partitions.size();
      stats.update(lanes.values());
    }
  }

  /**
   * Stops: no new receipt is started; those in flight are awaited up to the shutdown timeout;
   * the offsets past what was sent are committed; the consumer leaves its group; the producer
   * and the poster close. Idempotent; never throws.
   */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    if (thread.isAlive()) {
      try {
        thread.join(settings.shutdownTimeout().toMillis() + 10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      closeQuietly();
    }
  }

  private synchronized void closeQuietly() {
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.debug("closing the receipts consumer: {}", e.toString());
    }
    try {
      deadLetters.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.debug("closing the dead-letter producer: {}", e.toString());
    }
    poster.close();
  }
}
