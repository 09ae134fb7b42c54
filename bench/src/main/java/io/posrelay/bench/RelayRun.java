package io.posrelay.bench;

import com.google.common.net.HostAndPort;
import io.posrelay.testkit.cluster.LocalEndpoints;
import io.posrelay.testkit.ilk.AcceptedResult;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import io.posrelay.testkit.ilk.IlkSimStats;
import io.posrelay.testkit.ilk.IlkSimulator;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.ilk.SendSchedule;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.testkit.pos.ReceivedResult;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay phase: simulated terminals connect to every relay node, then simulated ILK posts
 * results to ilk-ingest at a fixed rate, and each result is timed from its callback's intended
 * send time to its {@code payment_result} frame at the terminal (which acks it, so the relay
 * node claims it as it would in production).
 *
 * <p>The intended send time of callback {@code n} is derived from its transaction id ({@code
 * sim-<runId>-<n>}) and the simulator's schedule ({@link SendSchedule}); a 202 whose actual send
 * time is earlier than that is counted as a schedule mismatch and warned about, since it would
 * mean the two schedules disagree.
 */
final class RelayRun {
  private static final Logger log = LoggerFactory.getLogger(RelayRun.class);
  /** Added to the time the connect rate needs, for every terminal to hold a session. */
  private static final Duration CONNECT_MARGIN = Duration.ofSeconds(60);

  private final LocalEndpoints endpoints;
  private final LatencyBenchConfig config;
  private final PrintWriter progress;
  private final BooleanSupplier stopRequested;
  private final CpuMeter cpu;
  private final TopicWrites writes;
  private final @Nullable IlkReceiptReceiver receipts;
  private final LongAdder scheduleMismatches = new LongAdder();
  private final LongAdder foreign = new LongAdder();
  /** Webhook round trips (POST to 202, broker ack included), for the progress lines. */
  private final Recorder webhookMicros = new Recorder(LatencyRecorder.HIGHEST_MICROS, 3);
  /** How late the simulated ILK sent each callback after its due time, for the progress lines. */
  private final Recorder sendLagMicros = new Recorder(LatencyRecorder.HIGHEST_MICROS, 3);
  private volatile SendSchedule schedule = SendSchedule.of(0, 1, Duration.ZERO);
  private volatile LatencyRecorder latencies = new LatencyRecorder(0, 1);
  private volatile String runPrefix = "";
  private volatile long scheduled;
  /** The result ids the webhook answered in this run, for counting their receipts. */
  private final Set<String> acceptedIds = ConcurrentHashMap.newKeySet();
  private volatile RelayFigures figures = new RelayFigures(Map.of(), 0, -1, List.of());

  /**
   * @param endpoints the running cluster
   * @param config what to run
   * @param progress where progress lines go
   * @param stopRequested polled; true ends the phase early
   * @param cpu measures the CPU of the phase's measured window
   * @param writes counts the records written to each topic in the measured window
   * @param receipts the simulated ILK's receipt endpoint ilk-ingest posts to; null = receipts
   *     off
   */
  RelayRun(LocalEndpoints endpoints, LatencyBenchConfig config, PrintWriter progress,
      BooleanSupplier stopRequested, CpuMeter cpu, TopicWrites writes,
      @Nullable IlkReceiptReceiver receipts) {
    this.cpu = cpu;
    this.writes = writes;
    this.receipts = receipts;
    this.endpoints = endpoints;
    this.config = config;
    this.progress = progress;
    this.stopRequested = stopRequested;
  }

  /**
   * Connects the terminals, sends for warm-up plus duration, and waits for the last results
   * (bounded by the drain timeout).
   *
   * @throws TimeoutException if the terminals do not all hold a session in time
   * @throws InterruptedException if interrupted
   */
  PhaseResult run() throws TimeoutException, InterruptedException {
    List<InetAddress> sources =
        SourceAddresses.forTerminals(config.terminals(), config.sourceAddresses());
    String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    runPrefix = "sim-" + runId + "-";
    List<HostAndPort> holding = endpoints.posAddresses().subList(0, config.holdingNodes());
    try (PosSimulator terminals = PosSimulator.start(holding,
        BenchTerminals.ids(config.terminals()), this::onResult, PosSimSecurity.NONE, sources,
        config.connectRate())) {
      connect(terminals, sources);
      IlkSimulatorConfig ilk = IlkSimulatorConfig.builder()
          .url(URI.create(endpoints.webhookUrl()))
          .ratePerSecond(config.ratePerSecond())
          .duration(config.warmup().plus(config.duration()))
          .ramp(config.ramp())
          .terminals(Math.min(config.terminals(), LatencyBenchConfig.MAX_ADDRESSED_TERMINALS))
          .terminalPrefix(BenchTerminals.PREFIX)
          .maxInFlight(config.maxInFlight())
          .runId(runId)
          .build();
      IlkSimulator simulator = new IlkSimulator(ilk, this::onAccepted);
      Thread stopper = stopWhenRequested(simulator);
      IlkSimStats sent;
      CpuUsage usage;
      try (ProgressLines lines = ProgressLines.start(progress, config.progressInterval(),
          () -> progressLine(simulator, terminals))) {
        // One clock for both: the simulator sends callback n at start + (n - 1) / rate, and each
        // latency is measured from that instant. (Taking two clocks cost a constant 8-16 ms: the
        // threads started in between bootstrap their lambdas on first use.)
        long start = System.nanoTime() + 10_000_000L;
        long windowStart = start + config.warmup().toNanos();
        latencies = new LatencyRecorder(windowStart, windowStart + config.duration().toNanos());
        scheduled = config.scheduledMessages();
        schedule = config.schedule(start);
        long windowEnd = windowStart + config.duration().toNanos();
        cpu.measure(windowStart, windowEnd);
        writes.measure(windowStart, windowEnd);
        stopAt(simulator, windowEnd);
        sent = simulator.run(start);
        usage = cpu.usage(latencies.arrivalsInWindow());
        long drainEnd = System.nanoTime() + config.drainTimeout().toNanos();
        Drain.await(() -> terminals.resultsReceived() >= simulator.stats().accepted(),
            config.drainTimeout(), stopRequested);
        if (receipts != null) {
          Drain.await(() -> finalReceipts() >= terminals.resultsReceived(),
              Duration.ofNanos(Math.max(0, drainEnd - System.nanoTime())), stopRequested);
        }
      } finally {
        stopper.interrupt();
      }
      if (scheduleMismatches.sum() > 0) {
        log.warn("{} callbacks were sent before their computed send time: the bench's schedule"
            + " and the ILK simulator's disagree; latencies are not trustworthy",
            scheduleMismatches.sum());
      }
      if (foreign.sum() > 0) {
        log.warn("{} results for other runs arrived and were ignored", foreign.sum());
      }
      LatencyRecorder recorder = latencies;
      if (recorder.clamped() > 0) {
        log.warn("{} latencies exceeded {} s and were recorded as that", recorder.clamped(),
            LatencyRecorder.HIGHEST_MICROS / 1_000_000);
      }
      if (sent.sent() < scheduled * 0.99) {
        log.warn("the system did not keep up: {} of {} scheduled callbacks were sent in time"
            + " (at most {} awaiting an answer)", sent.sent(), scheduled, config.maxInFlight());
      }
      long errors = sent.rejected() + sent.errors();
      List<String> idle = new java.util.ArrayList<>();
      for (int node = config.holdingNodes() + 1; node <= config.nodes(); node++) {
        idle.add("relay-" + node);
      }
      figures = new RelayFigures(writes.counts(), recorder.arrivalsInWindow(),
          receipts == null ? -1 : finalReceipts(), idle);
      return PhaseResult.of(recorder.measured(), recorder.arrivalsInWindow(),
          recorder.windowSeconds(), sent.sent(), sent.accepted(), terminals.resultsReceived(),
          errors, terminals.duplicates(), usage);
    }
  }

  /** The writes per result, receipts and idle nodes of the last {@link #run}. */
  RelayFigures figures() {
    return figures;
  }

  /** Distinct results with a final receipt at the simulated ILK. */
  private long finalReceipts() {
    IlkReceiptReceiver receiver = receipts;
    return receiver == null ? 0 : receiver.finalReceiptsAmong(acceptedIds);
  }

  private void connect(PosSimulator terminals, List<InetAddress> sources)
      throws TimeoutException, InterruptedException {
    Duration bound = Duration.ofSeconds(config.terminals() / config.connectRate())
        .plus(CONNECT_MARGIN);
    progress.printf(Locale.ROOT, "[relay] connecting %d terminals to %d relay nodes at %d/s"
            + " (source addresses %s)%n", config.terminals(), config.nodes(),
        config.connectRate(), SourceAddresses.describe(sources));
    progress.flush();
    long start = System.nanoTime();
    try (ProgressLines lines = ProgressLines.start(progress, config.progressInterval(),
        () -> String.format(Locale.ROOT, "[relay] t=%ds connected %d of %d",
            (System.nanoTime() - start) / 1_000_000_000L, terminals.connectedTerminals(),
            terminals.terminals()))) {
      if (!terminals.awaitAllConnected(bound)) {
        throw new TimeoutException("only " + terminals.connectedTerminals() + " of "
            + terminals.terminals() + " terminals connected within " + bound.toSeconds() + " s");
      }
    }
    progress.printf(Locale.ROOT, "[relay] %d terminals connected in %.1f s %s%n",
        terminals.terminals(), (System.nanoTime() - start) / 1e9, terminals.connectedByNode());
    progress.flush();
  }

  /** On Netty event loop threads. */
  private void onResult(ReceivedResult received) {
    if (received.duplicate()) {
      return; // counted by the simulator
    }
    long sequence = sequenceOf(received.result().getTransactionId());
    if (sequence < 1) {
      foreign.increment();
      return;
    }
    latencies.record(schedule.intendedNanos(sequence), received.receivedNanos());
  }

  /** On the ILK simulator's I/O thread. */
  private void onAccepted(AcceptedResult accepted) {
    webhookMicros.recordValue(
        Math.min(LatencyRecorder.HIGHEST_MICROS, Math.max(0, accepted.webhookNanos() / 1000)));
    long sequence = sequenceOf(accepted.callback().transactionId());
    if (sequence < 1) {
      return;
    }
    if (receipts != null) {
      acceptedIds.add(accepted.resultId());
    }
    long lagNanos = accepted.sentNanos() - schedule.intendedNanos(sequence);
    // 1 ms of slack: the bench's start is taken a moment before the simulator's own.
    if (lagNanos < -1_000_000L) {
      scheduleMismatches.increment();
    }
    sendLagMicros.recordValue(Math.min(LatencyRecorder.HIGHEST_MICROS, Math.max(0, lagNanos / 1000)));
  }

  private long sequenceOf(String transactionId) {
    return transactionId.startsWith(runPrefix) ? SequenceIds.sequenceOf(transactionId) : -1;
  }

  private String progressLine(IlkSimulator simulator, PosSimulator terminals) {
    IlkSimStats stats = simulator.stats();
    return String.format(Locale.ROOT,
        "[relay] t=%ds sent=%d accepted=%d delivered=%d errors=%d connected=%d last interval: %s"
            + " (webhook 202: %s; sent late by: %s)",
        (System.nanoTime() - schedule.startNanos()) / 1_000_000_000L, stats.sent(),
        stats.accepted(),
        terminals.resultsReceived(), stats.rejected() + stats.errors(),
        terminals.connectedTerminals(), ProgressLines.percentiles(latencies.interval()),
        ProgressLines.percentiles(webhookMicros.getIntervalHistogram()),
        ProgressLines.percentiles(sendLagMicros.getIntervalHistogram()));
  }

  /**
   * Stops the simulator when the sending time is over, as a fixed-rate load generator must: the
   * simulator would otherwise go on until it has sent every callback of the duration, however
   * far behind its schedule an overloaded system has put it.
   */
  private static void stopAt(IlkSimulator simulator, long endNanos) {
    Thread thread = new Thread(() -> {
      if (Drain.parkUntil(endNanos, Thread.currentThread()::isInterrupted)) {
        simulator.stop();
      }
    }, "bench-end");
    thread.setDaemon(true);
    thread.start();
  }

  private Thread stopWhenRequested(IlkSimulator simulator) {
    Thread thread = new Thread(() -> {
      try {
        while (!stopRequested.getAsBoolean()) {
          Thread.sleep(100); // a poll of the operator's Ctrl-C, not a synchronisation
        }
        simulator.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "bench-stop");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
