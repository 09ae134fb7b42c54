package io.posrelay.bench;

import io.posrelay.testkit.ilk.SendSchedule;
import com.google.protobuf.Timestamp;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The floor the relay is compared with: one Kafka hop, producer → broker → consumer, at the same
 * fixed rate and on the same broker as the relay phase, on a topic created like {@code
 * posrelay.results}. The producer has ilk-ingest's latency-relevant settings ({@code acks=all},
 * idempotence, {@code linger.ms=1}); the consumer reads as a relay node does, but is a plain
 * Kafka consumer ({@link BaselineConsumer}: manual assignment of every partition, from the end).
 * The values are {@link PaymentResult}s of the same size as ilk-ingest's, keyed by terminal id.
 *
 * <p>The counters are updated by the producer's callback thread and the consumer's poll thread
 * ({@link LongAdder}s); {@code arrived} belongs to the poll thread alone; {@link #run} runs on
 * the caller's thread.
 */
final class BaselineRun {
  /** The baseline topic's name without its run id. */
  static final String TOPIC_PREFIX = "posrelay.bench-baseline-";
  /** As {@code IlkIngestServer.producerProperties}: the same durability and batching. */
  static final int LINGER_MS = 5;

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrap;
  private final LatencyBenchConfig config;
  private final PrintWriter progress;
  private final BooleanSupplier stopRequested;
  private final CpuMeter cpu;
  private final LongAdder sent = new LongAdder();
  private final LongAdder acked = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final BitSet arrived = new BitSet(); // poll thread only
  private volatile SendSchedule schedule = SendSchedule.of(0, 1, Duration.ZERO);
  private volatile LatencyRecorder latencies = new LatencyRecorder(0, 1);

  /**
   * @param bootstrap Kafka bootstrap servers
   * @param config rate, warm-up, duration, drain timeout, progress interval
   * @param progress where progress lines go
   * @param stopRequested polled; true ends the phase early
   * @param cpu measures the CPU of the phase
   */
  BaselineRun(String bootstrap, LatencyBenchConfig config, PrintWriter progress,
      BooleanSupplier stopRequested, CpuMeter cpu) {
    this.cpu = cpu;
    this.bootstrap = bootstrap;
    this.config = config;
    this.progress = progress;
    this.stopRequested = stopRequested;
  }

  /**
   * Runs the phase: creates the topic, starts the consumer at its end, produces for warm-up plus
   * duration, waits for the last records (bounded by the drain timeout), deletes the topic.
   *
   * @throws Exception if the topic cannot be created or the clients cannot reach Kafka
   */
  PhaseResult run() throws Exception {
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    CpuUsage usage;
    try (BaselineTopic topic = BaselineTopic.createLike(bootstrap, Topics.RESULTS,
            TOPIC_PREFIX + runId, ADMIN_TIMEOUT);
        Producer<String, PaymentResult> producer = createProducer()) {
      BaselineConsumer consumer =
          new BaselineConsumer(bootstrap, topic.name(), this::onRecord, errors::increment);
      try {
        consumer.start(ADMIN_TIMEOUT);
        producer.partitionsFor(topic.name()); // metadata before the clock starts
        send(producer, topic.name(), runId);
        usage = cpu.usage(latencies.arrivalsInWindow());
        producer.flush();
        Drain.await(() -> delivered.sum() >= acked.sum(), config.drainTimeout(), stopRequested);
      } finally {
        consumer.close();
      }
    }
    LatencyRecorder recorder = latencies;
    return PhaseResult.of(recorder.measured(), recorder.arrivalsInWindow(),
        recorder.windowSeconds(), sent.sum(), acked.sum(), delivered.sum(), errors.sum(),
        duplicates.sum(), usage);
  }

  private void send(Producer<String, PaymentResult> producer, String topic, String runId) {
    long start = System.nanoTime() + 10_000_000L;
    SendSchedule rate = config.schedule(start);
    long windowStart = start + config.warmup().toNanos();
    long end = windowStart + config.duration().toNanos();
    latencies = new LatencyRecorder(windowStart, end);
    schedule = rate;
    cpu.measure(windowStart, end);
    try (ProgressLines lines = ProgressLines.start(progress, config.progressInterval(),
        () -> progressLine(start))) {
      for (long sequence = 1; sequence <= Integer.MAX_VALUE; sequence++) {
        long due = rate.intendedNanos(sequence);
        if (due - end >= 0 || !Drain.parkUntil(due, stopRequested)) {
          break;
        }
        PaymentResult value = paymentResult(runId, sequence);
        sent.increment();
        try {
          producer.send(new ProducerRecord<>(topic, value.getTerminalId(), value),
              (metadata, error) -> {
                if (error == null) {
                  acked.increment();
                } else {
                  errors.increment();
                }
              });
        } catch (KafkaException e) {
          errors.increment();
        }
      }
    }
  }

  /** On the consumer's poll thread. */
  private void onRecord(PaymentResult value) {
    long arrivedNanos = System.nanoTime();
    long sequence = SequenceIds.sequenceOf(value.getTransactionId());
    if (sequence < 1 || sequence > Integer.MAX_VALUE) {
      return; // not the baseline's
    }
    if (arrived.get((int) sequence)) {
      duplicates.increment();
      return;
    }
    arrived.set((int) sequence);
    delivered.increment();
    latencies.record(schedule.intendedNanos(sequence), arrivedNanos);
  }

  private String progressLine(long startNanos) {
    return String.format(java.util.Locale.ROOT,
        "[baseline] t=%ds sent=%d acked=%d delivered=%d errors=%d last interval: %s",
        (System.nanoTime() - startNanos) / 1_000_000_000L, sent.sum(), acked.sum(),
        delivered.sum(), errors.sum(), ProgressLines.percentiles(latencies.interval()));
  }

  private Producer<String, PaymentResult> createProducer() {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "posrelay-bench-baseline-producer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    return new KafkaProducer<>(props, new StringSerializer(),
        EventSerdes.paymentResult().serializer());
  }

  /** A result like ilk-ingest's for a simulated callback (same fields, same sizes). */
  private static PaymentResult paymentResult(String runId, long sequence) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String terminalId = BenchTerminals.id(1 + random.nextInt(LatencyBenchConfig.MAX_ADDRESSED_TERMINALS));
    String transactionId = "base-" + runId + "-" + sequence;
    Instant now = Instant.now();
    Timestamp at = Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())
        .build();
    return PaymentResult.newBuilder()
        .setResultId(UUID.nameUUIDFromBytes(("ilk:" + transactionId).getBytes(
            java.nio.charset.StandardCharsets.UTF_8)).toString())
        .setTransactionId(transactionId)
        .setTerminalId(terminalId)
        .setMerchantId("M" + terminalId)
        .setOrderId("ORD-" + runId + "-" + sequence)
        .setResultCode("0000")
        .setResultMessage("approved")
        .setAmount(100L * (10 + random.nextInt(4_990)))
        .setCurrency("KRW")
        .setApprovalNumber(String.format("%08d", random.nextInt(100_000_000)))
        .setCardNumberMasked("123456******1234")
        .setApprovedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
        .setReceivedAt(at)
        .setAttempt(1)
        .build();
  }
}
