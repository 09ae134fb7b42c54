package io.posrelay.relayctl;

import io.grpc.StatusRuntimeException;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.relayctl.admin.AdminCredentials;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.cluster.LocalEndpoints;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import io.posrelay.testkit.ilk.IlkSimStats;
import io.posrelay.testkit.ilk.IlkSimulator;
import io.posrelay.testkit.ilk.IlkSimulatorConfig;
import io.posrelay.testkit.ilk.ReceiptTally;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.testkit.pos.SimTerminals;
import io.posrelay.testkit.secure.SecureMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One end-to-end demo run against a running cluster: simulated terminals connect to every relay
 * node, simulated ILK posts results for a while (some for terminals nobody holds), then the
 * ledger is asked what became of every published result. Usable from tests with any endpoints.
 *
 * <p>Configured ({@link #withSecure}, {@link #withChaos}) and then {@link #run} once, by one
 * thread; the maps of send and arrival times inside a run are concurrent (the simulators' I/O
 * threads fill them).
 */
public final class DemoRun {
  private static final Logger log = LoggerFactory.getLogger(DemoRun.class);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SETTLE_MARGIN = Duration.ofSeconds(4);
  /** The approval result code: admin-api's default {@code reversal.approved-result-codes}. */
  private static final String APPROVED = "0000";
  /** Longest wait after sending for chaos to finish (a relay node's restart). */
  private static final Duration CHAOS_TIMEOUT = Duration.ofSeconds(120);

  private final LocalEndpoints endpoints;
  private final IlkSimulatorConfig ilk;
  private final Duration claimDeadline;
  private final Duration ackTimeout;
  private @Nullable DemoChaos chaos;
  private @Nullable SecureMaterial secure;
  private @Nullable IlkReceiptReceiver receipts;
  private ReceiptTally receiptTally = new ReceiptTally(0, 0, 0, 0, 0, 0, 0);
  private @Nullable Duration reversalDeadline;

  /**
   * @param endpoints where the cluster listens
   * @param ilk what to send (its URL is replaced by the cluster's webhook)
   * @param claimDeadline admin-api's claim deadline, to know how long results may stay PENDING
   * @param ackTimeout the relay nodes' ack timeout, likewise for DELIVERING
   */
  public DemoRun(
      LocalEndpoints endpoints, IlkSimulatorConfig ilk, Duration claimDeadline, Duration ackTimeout) {
    this.endpoints = endpoints;
    this.ilk = ilk;
    this.claimDeadline = claimDeadline;
    this.ackTimeout = ackTimeout;
  }

  /**
   * Talks to a cluster in secure mode ({@code local --secure}): the terminals say Hello with
   * their tokens over TLS, ILK callbacks are signed and sent over HTTPS, and the ledger is asked
   * over TLS with the operator token, all from {@code secure}'s directory.
   *
   * @return this
   */
  public DemoRun withSecure(SecureMaterial secure) {
    this.secure = secure;
    return this;
  }

  /**
   * Counts the receipts {@code receiver} gets (ilk-ingest runs with its URL) once the ledger
   * settled: {@link #receiptTally()}.
   *
   * @return this
   */
  public DemoRun withReceipts(IlkReceiptReceiver receiver) {
    this.receipts = receiver;
    return this;
  }

  /** The receipts of the last {@link #run}: every DELIVERED or REVERSAL_REQUIRED result's. */
  public ReceiptTally receiptTally() {
    return receiptTally;
  }

  /**
   * Waits, before asking the ledger, for the approvals no terminal got to reach their reversal
   * decision ({@code local --reversal-deadline-ms}), so the summary shows them as reversals.
   *
   * @param deadline admin-api's reversal deadline
   * @return this
   */
  public DemoRun withReversalDeadline(Duration deadline) {
    this.reversalDeadline = deadline;
    return this;
  }

  /**
   * Injects {@code chaos} during the run: started with the sending, and awaited (its restart
   * done) before the ledger is asked.
   *
   * @return this
   */
  public DemoRun withChaos(DemoChaos chaos) {
    this.chaos = chaos;
    return this;
  }

  /**
   * Runs the demo: connect terminals, send, settle, query the ledger.
   *
   * @param stopRequested polled while sending and settling; true ends the run early
   * @return the summary
   * @throws TimeoutException if the terminals do not all connect within 30 s
   * @throws StatusRuntimeException if admin-api cannot be queried
   * @throws InterruptedException if interrupted
   */
  public DemoSummary run(BooleanSupplier stopRequested)
      throws TimeoutException, InterruptedException {
    IlkSimulatorConfig config = forCluster(ilk, URI.create(endpoints.webhookUrl()), secure);
    PosSimSecurity terminalSecurity = secure == null ? PosSimSecurity.NONE
        : PosSimSecurity.fromOptions(secure.terminalSecretFile(), null, secure.caCertFile());
    Map<String, Long> receivedNanos = new ConcurrentHashMap<>();
    Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    try (PosSimulator terminals =
        PosSimulator.start(
            endpoints.posAddresses(),
            SimTerminals.terminalIds(config.terminalPrefix(), config.terminals()),
            r -> receivedNanos.putIfAbsent(r.result().getResultId(), r.receivedNanos()),
            terminalSecurity)) {
      if (!terminals.awaitAllConnected(CONNECT_TIMEOUT)) {
        throw new TimeoutException("only " + terminals.connectedTerminals() + " of "
            + terminals.terminals() + " terminals connected within " + CONNECT_TIMEOUT);
      }
      log.info("demo: {} terminals connected {}; sending {}/s for {} s", terminals.terminals(),
          terminals.connectedByNode(), config.ratePerSecond(), config.duration().toSeconds());
      Histogram webhookMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      IlkSimulator ilkSimulator =
          new IlkSimulator(
              config,
              a -> {
                sentNanos.put(a.resultId(), a.sentNanos());
                synchronized (webhookMicros) {
                  webhookMicros.recordValue(clamp(webhookMicros, a.webhookNanos() / 1000));
                }
              });
      Thread stopper = stopWhen(stopRequested, ilkSimulator);
      DemoChaos faults = chaos;
      if (faults != null) {
        faults.start();
      }
      IlkSimStats sent = ilkSimulator.run();
      stopper.interrupt();
      if (faults != null && !faults.awaitDone(CHAOS_TIMEOUT)) {
        log.warn("demo: chaos not done within {}", CHAOS_TIMEOUT);
      }
      synchronized (webhookMicros) {
        log.info("demo: ilk-sim {}; webhook 202 in p50 {} ms, p99 {} ms", sent.summary(),
            millis(webhookMicros.getValueAtPercentile(50)),
            millis(webhookMicros.getValueAtPercentile(99)));
      }
      Set<String> held = Set.copyOf(
          SimTerminals.terminalIds(config.terminalPrefix(), config.terminals()));
      Map<String, Delivery> ledger = settle(sentNanos.keySet(), held, stopRequested);
      log.info("demo: pos-sim {}", terminals.summary());
      awaitReceipts(sentNanos.keySet(), ledger, stopRequested);
      Histogram latencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
      sentNanos.forEach(
          (resultId, sentAt) -> {
            Long receivedAt = receivedNanos.get(resultId);
            if (receivedAt != null) {
              latencyMicros.recordValue(clamp(latencyMicros, (receivedAt - sentAt) / 1000));
            }
          });
      return DemoSummary.of(sentNanos.keySet(), ledger, terminals.duplicates(), latencyMicros);
    }
  }

  /**
   * Polls the ledger until every published result is DELIVERED, FAILED or EXPIRED, or the claim
   * deadline plus ack timeout plus a margin has passed. With chaos, a FAILED result for a
   * terminal the demo holds is not settled yet (its terminal is back: recovery redelivers it),
   * and the wait is longer by the relay nodes' follow-up recovery ask (claim deadline + ack
   * timeout + 1 s after a Hello).
   */
  private Map<String, Delivery> settle(Set<String> published, Set<String> heldTerminals,
      BooleanSupplier stopRequested) throws InterruptedException {
    Duration wait = claimDeadline.plus(ackTimeout).plus(SETTLE_MARGIN);
    if (chaos != null) {
      wait = wait.plus(claimDeadline).plus(ackTimeout).plusSeconds(1);
    }
    if (reversalDeadline != null && reversalDeadline.plus(SETTLE_MARGIN).compareTo(wait) > 0) {
      wait = reversalDeadline.plus(SETTLE_MARGIN);
    }
    long deadline = System.nanoTime() + wait.toNanos();
    AdminCredentials credentials = secure == null ? AdminCredentials.NONE
        : AdminCredentials.read(secure.operatorTokenFile(), null, secure.caCertFile());
    try (DeliveryLedgerClient ledger =
        new DeliveryLedgerClient(endpoints.grpcAddress(), credentials)) {
      while (true) {
        Map<String, Delivery> deliveries = ledger.listAll(CALL_TIMEOUT);
        long open = published.stream()
            .filter(id -> !isFinal(deliveries.get(id), heldTerminals))
            .count();
        if (open == 0 || System.nanoTime() > deadline || stopRequested.getAsBoolean()) {
          if (open > 0) {
            log.warn("demo: {} of {} results not yet DELIVERED or FAILED", open, published.size());
          }
          return deliveries;
        }
        log.info("demo: waiting for {} of {} results to settle", open, published.size());
        TimeUnit.MILLISECONDS.sleep(1000);
      }
    }
  }

  /**
   * Waits (up to 15 s) until every published result the ledger has DELIVERED or
   * REVERSAL_REQUIRED has its final receipt at ILK, then tallies them. Only this run's results
   * count: the ledger may hold others (a cluster started with {@code --keep-data}). Approvals still PENDING, DELIVERING or FAILED (their
   * reversal deadline, 60 s by default, has not passed) are counted as awaiting their decision:
   * no final receipt is due for them yet.
   */
  private void awaitReceipts(Set<String> published, Map<String, Delivery> ledger,
      BooleanSupplier stopRequested) throws InterruptedException {
    IlkReceiptReceiver receiver = receipts;
    if (receiver == null) {
      return;
    }
    List<Delivery> ours = published.stream().map(ledger::get).filter(Objects::nonNull).toList();
    Set<String> finals = ours.stream()
        .filter(d -> d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERED
            || d.getStatus() == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED)
        .map(Delivery::getResultId)
        .collect(java.util.stream.Collectors.toSet());
    long awaiting = ours.stream()
        .filter(d -> d.getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING
            || d.getStatus() == DeliveryStatus.DELIVERY_STATUS_DELIVERING
            || d.getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED)
        .filter(d -> d.getPaymentResult().getResultCode().equals(APPROVED))
        .count();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    receiptTally = receiver.tally(finals).withAwaitingDecision(awaiting);
    while (receiptTally.missing() > 0 && System.nanoTime() < deadline
        && !stopRequested.getAsBoolean()) {
      TimeUnit.MILLISECONDS.sleep(500);
      receiptTally = receiver.tally(finals).withAwaitingDecision(awaiting);
    }
    log.info("demo: {}", receiptTally.line());
  }

  private static String millis(long micros) {
    return String.format(java.util.Locale.ROOT, "%.1f", micros / 1000.0);
  }

  private static long clamp(Histogram histogram, long value) {
    return Math.min(histogram.getHighestTrackableValue(), Math.max(0, value));
  }

  private boolean isFinal(@Nullable Delivery delivery, Set<String> heldTerminals) {
    if (delivery == null) {
      return false;
    }
    DeliveryStatus status = delivery.getStatus();
    if (chaos != null && status != DeliveryStatus.DELIVERY_STATUS_DELIVERED
        && heldTerminals.contains(delivery.getTerminalId())) {
      return false; // failed by the chaos; its terminal is connected again, so it will be redelivered
    }
    if (reversalDeadline != null && status == DeliveryStatus.DELIVERY_STATUS_FAILED
        && delivery.getPaymentResult().getResultCode().equals(APPROVED)) {
      return false; // an approval: its reversal decision is coming (admin-api's default codes)
    }
    return status == DeliveryStatus.DELIVERY_STATUS_DELIVERED
        || status == DeliveryStatus.DELIVERY_STATUS_FAILED
        || status == DeliveryStatus.DELIVERY_STATUS_EXPIRED
        || status == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED;
  }

  private static Thread stopWhen(BooleanSupplier stopRequested, IlkSimulator simulator) {
    Thread thread =
        new Thread(
            () -> {
              try {
                while (!stopRequested.getAsBoolean()) {
                  TimeUnit.MILLISECONDS.sleep(100);
                }
                simulator.stop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "demo-stop");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The simulator's config aimed at the cluster: its URL, and in secure mode its secret and CA. */
  private static IlkSimulatorConfig forCluster(
      IlkSimulatorConfig c, URI url, @Nullable SecureMaterial secure) {
    IlkSimulatorConfig.Builder b = c.toBuilder().url(url);
    if (secure != null) {
      b.signingSecrets(RotatingSecrets.load(secure.ilkSecretFile(), "ilk-secrets", null, "",
              RotatingSecrets.Rule.HMAC_SECRET).orElseThrow())
          .tlsCaFile(secure.caCertFile());
    }
    return b.build();
  }
}
