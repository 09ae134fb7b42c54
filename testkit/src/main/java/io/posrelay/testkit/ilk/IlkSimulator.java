package io.posrelay.testkit.ilk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * IlkSimulatorConfig#tlsCaFile()} or the JDK's trust store, host name included.
 *
 * <p>HTTP/1.1 over keep-alive connections, at most {@link IlkSimulatorConfig#maxInFlight()} of
 * them, one request at a time on each ({@link IlkSimClient}, Netty): the simulator shares the
 * machine with the system it loads, so its client is kept cheap.
 *
 * <p>{@link #run()} blocks the calling thread until the count or duration is reached or {@link
 * #stop()} is called, then waits (bounded by the request timeout) for the requests in flight; its
 * I/O thread and connections live only while it runs. The counters and {@link #stop()} are
 * thread-safe; run one {@link #run()} at a time.
 */
public final class IlkSimulator {
  /**
   * Receives every accepted callback. Called on the simulator's I/O threads; must be thread-safe
   * and quick (it delays the responses behind it).
   */
  @FunctionalInterface
  public interface Listener {
    /** Called once per 202 response; an exception it throws is logged and ignored. */
    void onAccepted(AcceptedResult result);
  }

  private static final Logger log = LoggerFactory.getLogger(IlkSimulator.class);
  private static final int LOGGED_FAILURES = 5;
  private static final String RESULT_ID = "resultId";

  private final IlkSimulatorConfig config;
  private final Listener listener;
  private final ObjectMapper mapper = new ObjectMapper();
  private final JsonFactory json = mapper.getFactory();
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
    this.signingKey = config.signingSecrets().map(RotatingSecrets::current).orElse(null);
  }

  /**
   * Sends callbacks until the count or duration is reached or {@link #stop()} is called, then
   * waits for the requests in flight (at most the request timeout plus 5 s), then closes the
   * connections and stops the I/O thread.
   *
   * @return the counts of this run
   * @throws InterruptedException if the calling thread is interrupted
   * @throws IllegalStateException if the url is https, no CA file is set and the JDK has no
   *     default TLS context
   */
  public IlkSimStats run() throws InterruptedException {
    return run(System.nanoTime());
  }

  /**
   * Like {@link #run()}, with callback {@code n} due at {@code startNanos + (n − 1) / rate}
   * (later by half the ramp, and on the ramp's curve during it: {@link SendSchedule}): a
   * caller that times each callback against its own schedule ({@code relayctl bench}) passes that
   * schedule's start, so that both agree to the nanosecond. Setting up the client delays the first
   * callbacks, not the schedule.
   *
   * @param startNanos when callback 1 is due, {@link System#nanoTime()}
   * @return the counts of this run
   * @throws InterruptedException if the calling thread is interrupted
   */
  public IlkSimStats run(long startNanos) throws InterruptedException {
    SendSchedule schedule = SendSchedule.of(startNanos, config.ratePerSecond(), config.ramp());
    long durationNanos = config.duration().isZero() ? Long.MAX_VALUE : config.duration().toNanos();
    Random random = new Random(config.seed());
    try (IlkSimClient client = new IlkSimClient(config)) {
      for (long sequence = 1; !stopRequested; sequence++) {
        if (config.count() > 0 && sequence > config.count()) {
          break;
        }
        long due = schedule.intendedNanos(sequence);
        if (due - startNanos >= durationNanos || !parkUntil(due)) {
          break;
        }
        while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          if (stopRequested) {
            return drain();
          }
        }
        send(client, IlkCallback.next(config, sequence, random));
      }
      return drain();
    }
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

  private void send(IlkSimClient client, IlkCallback callback) {
    byte[] body = callback.toJson(mapper);
    String timestamp = null;
    String signature = null;
    if (signingKey != null) {
      timestamp = Long.toString(Instant.now().getEpochSecond());
      signature = IlkSignatures.sign(signingKey, timestamp, body);
    }
    long sentNanos = System.nanoTime();
    Instant sentAt = Instant.now();
    sent.increment();
    client.send(body, timestamp, signature, new Pending(callback, sentNanos, sentAt));
  }

  /** One callback awaiting its answer; called on the I/O thread, releases its permit. */
  private final class Pending implements IlkSimClient.Outcome {
    private final IlkCallback callback;
    private final long sentNanos;
    private final Instant sentAt;

    Pending(IlkCallback callback, long sentNanos, Instant sentAt) {
      this.callback = callback;
      this.sentNanos = sentNanos;
      this.sentAt = sentAt;
    }

    @Override
    public void onResponse(int status, ByteBuf content) {
      try {
        answered(callback, status, content, sentNanos, sentAt);
      } finally {
        inFlight.release();
      }
    }

    @Override
    public void onFailure(Throwable cause) {
      try {
        errors.increment();
        logFailure("POST {} failed: {}", config.url(), cause.toString());
      } finally {
        inFlight.release();
      }
    }
  }

  private void answered(
      IlkCallback callback, int status, ByteBuf content, long sentNanos, Instant sentAt) {
    long acceptedNanos = System.nanoTime();
    if (status / 100 != 2) {
      rejectedByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
      logAnswer("POST {} answered {}: {}", status, content);
      return;
    }
    String resultId = resultId(json, content);
    if (resultId.isEmpty()) {
      errors.increment();
      logAnswer("POST {} answered {} without a resultId: {}", status, content);
      return;
    }
    accepted.increment();
    try {
      listener.onAccepted(new AcceptedResult(resultId, callback, sentNanos, sentAt, acceptedNanos));
    } catch (RuntimeException e) {
      logFailure("the listener failed on result {}: {}", resultId, e.toString());
    }
  }

  /**
   * The top-level {@code resultId} of a JSON object body, read with the streaming parser (no
   * String copy of the body, no tree): its text for a string, number or boolean; "" if it is
   * missing, null or not a scalar, or if the body is not one well-formed JSON object.
   */
  static String resultId(JsonFactory json, ByteBuf content) {
    try (JsonParser parser =
        json.createParser((InputStream) new ByteBufInputStream(content.duplicate()))) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return "";
      }
      String resultId = "";
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        boolean wanted = RESULT_ID.equals(parser.currentName());
        JsonToken value = parser.nextToken();
        if (value.isStructStart()) {
          parser.skipChildren();
          if (wanted) {
            resultId = "";
          }
        } else if (wanted) {
          resultId = value == JsonToken.VALUE_NULL ? "" : parser.getText();
        }
      }
      return resultId;
    } catch (IOException e) {
      return "";
    }
  }

  /** Logs a non-2xx or unusable answer, with its body decoded only if the line is logged. */
  private void logAnswer(String format, int status, ByteBuf content) {
    boolean warn = failuresLogged.incrementAndGet() <= LOGGED_FAILURES;
    if (warn ? log.isWarnEnabled() : log.isDebugEnabled()) {
      String body = content.toString(StandardCharsets.UTF_8);
      if (warn) {
        log.warn(format, config.url(), status, body);
      } else {
        log.debug(format, config.url(), status, body);
      }
    }
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
