package io.posrelay.relayctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.posrelay.ingest.IlkSecrets;
import io.posrelay.ingest.IlkSignatures;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated ILK: posts approval callbacks to the ilk-ingest webhook at a steady rate, with a
 * bounded number of requests in flight, and reports every accepted result (202 with its result
 * id) to a {@link Listener}. With {@link IlkSimulatorConfig#signingSecrets()} each callback is
 * signed as ILK signs it (docs/ilk-webhook.md); an https url is checked against {@link
 * IlkSimulatorConfig#tlsCaFile()} or the JDK's trust store.
 *
 * <p>{@link #run()} blocks the calling thread until the count or duration is reached or {@link
 * #stop()} is called, then waits (bounded by the request timeout) for the requests in flight.
 * The counters and {@link #stop()} are thread-safe; run one {@link #run()} at a time.
 */
public final class IlkSimulator {
  /** Receives every accepted callback; called on HTTP client threads, must be thread-safe. */
  @FunctionalInterface
  public interface Listener {
    /** Called once per 202 response. */
    void onAccepted(AcceptedResult result);
  }

  private static final Logger log = LoggerFactory.getLogger(IlkSimulator.class);
  private static final int LOGGED_FAILURES = 5;

  private final IlkSimulatorConfig config;
  private final Listener listener;
  private final ObjectMapper mapper = new ObjectMapper();
  private final HttpClient client;
  private final Semaphore inFlight;
  private final LongAdder sent = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final Map<Integer, LongAdder> rejectedByStatus = new ConcurrentHashMap<>();
  private final AtomicLong failuresLogged = new AtomicLong();
  private final byte @Nullable [] signingKey;
  private volatile boolean stopRequested;

  /**
   * @param config validated configuration
   * @param listener receives accepted results
   */
  public IlkSimulator(IlkSimulatorConfig config, Listener listener) {
    this.config = config;
    this.listener = listener;
    this.inFlight = new Semaphore(config.maxInFlight());
    HttpClient.Builder client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3))
            .sslParameters(IlkSimTls.parameters());
    if (config.sslContext() != null) {
      client.sslContext(config.sslContext());
    }
    this.client = client.build();
    this.signingKey = config.signingSecrets().map(IlkSecrets::current).orElse(null);
  }

  /**
   * Sends callbacks until the count or duration is reached or {@link #stop()} is called, then
   * waits for the requests in flight (at most the request timeout plus 5 s).
   *
   * @return the counts of this run
   * @throws InterruptedException if the calling thread is interrupted
   */
  public IlkSimStats run() throws InterruptedException {
    long start = System.nanoTime();
    long periodNanos = Math.max(1, (long) (1e9 / config.ratePerSecond()));
    long durationNanos = config.duration().isZero() ? Long.MAX_VALUE : config.duration().toNanos();
    Random random = new Random(config.seed());
    for (long sequence = 1; !stopRequested; sequence++) {
      if (config.count() > 0 && sequence > config.count()) {
        break;
      }
      long offset = (sequence - 1) * periodNanos;
      if (offset >= durationNanos || !parkUntil(start + offset)) {
        break;
      }
      while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        if (stopRequested) {
          return drain();
        }
      }
      send(IlkCallback.next(config, sequence, random));
    }
    return drain();
  }

  /** Makes {@link #run()} stop sending; thread-safe. */
  public void stop() {
    stopRequested = true;
  }

  /** The counts so far; thread-safe. */
  public IlkSimStats stats() {
    Map<Integer, Long> rejected = new HashMap<>();
    rejectedByStatus.forEach((status, count) -> rejected.put(status, count.sum()));
    return new IlkSimStats(sent.sum(), accepted.sum(), rejected, errors.sum());
  }

  private void send(IlkCallback callback) {
    byte[] body = callback.toJson(mapper);
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(config.url())
            .timeout(config.requestTimeout())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signingKey != null) {
      String timestamp = Long.toString(Instant.now().getEpochSecond());
      builder.header(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .header(IlkSignatures.SIGNATURE_HEADER, IlkSignatures.sign(signingKey, timestamp, body));
    }
    HttpRequest request = builder.build();
    long sentNanos = System.nanoTime();
    Instant sentAt = Instant.now();
    sent.increment();
    client
        .sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, failure) -> {
              try {
                if (failure != null) {
                  errors.increment();
                  logFailure("POST {} failed: {}", config.url(), failure.toString());
                } else {
                  onResponse(callback, response, sentNanos, sentAt);
                }
              } finally {
                inFlight.release();
              }
            });
  }

  private void onResponse(
      IlkCallback callback, HttpResponse<String> response, long sentNanos, Instant sentAt) {
    long acceptedNanos = System.nanoTime();
    if (response.statusCode() / 100 != 2) {
      rejectedByStatus.computeIfAbsent(response.statusCode(), s -> new LongAdder()).increment();
      logFailure("POST {} answered {}: {}", config.url(), response.statusCode(), response.body());
      return;
    }
    String resultId;
    try {
      JsonNode body = mapper.readTree(response.body());
      resultId = body.path("resultId").asText("");
    } catch (IOException e) {
      resultId = "";
    }
    if (resultId.isEmpty()) {
      errors.increment();
      logFailure("POST {} answered {} without a resultId: {}", config.url(),
          response.statusCode(), response.body());
      return;
    }
    accepted.increment();
    listener.onAccepted(new AcceptedResult(resultId, callback, sentNanos, sentAt, acceptedNanos));
  }

  private void logFailure(String format, Object... args) {
    if (failuresLogged.incrementAndGet() <= LOGGED_FAILURES) {
      log.warn(format, args);
    } else {
      log.debug(format, args);
    }
  }

  /** Parks until {@code dueNanos}; false if a stop was requested meanwhile. */
  private boolean parkUntil(long dueNanos) {
    for (long left = dueNanos - System.nanoTime(); left > 0; left = dueNanos - System.nanoTime()) {
      if (stopRequested) {
        return false;
      }
      LockSupport.parkNanos(Math.min(left, 50_000_000L));
    }
    return !stopRequested;
  }

  private IlkSimStats drain() throws InterruptedException {
    long bound = config.requestTimeout().plusSeconds(5).toMillis();
    if (inFlight.tryAcquire(config.maxInFlight(), bound, TimeUnit.MILLISECONDS)) {
      inFlight.release(config.maxInFlight());
    } else {
      log.warn("{} requests still in flight after {} ms", config.maxInFlight()
          - inFlight.availablePermits(), bound);
    }
    return stats();
  }
}
