package io.posrelay.it;

import io.posrelay.ilk.v1.IlkResultIds;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Simulated ILK for the drills: posts approvals for the given terminals (round-robin) at a steady
 * rate, and, as ILK does, retries a callback answered 503 (or not answered) with backoff up to
 * {@code maxRetries} times. Records every accepted (202) result id with the time of its 202.
 *
 * <p>Thread-safe; {@link #close()} stops sending and waits for callbacks in flight.
 */
final class IlkLoad implements AutoCloseable {
  private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final Webhook webhook;
  private final List<String> terminals;
  private final int maxRetries;
  private final ExecutorService posters = Executors.newFixedThreadPool(16, r -> {
    Thread t = new Thread(r, "drill-ilk");
    t.setDaemon(true);
    return t;
  });
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "drill-ilk-ticker");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong next = new AtomicLong();
  /** result id → System.nanoTime() of its 202. */
  final Map<String, Long> accepted = new ConcurrentHashMap<>();
  /** result id → System.nanoTime() when its accepted POST was sent. */
  final Map<String, Long> sent = new ConcurrentHashMap<>();
  /** result id → terminal id, for accepted results. */
  final Map<String, String> terminalOf = new ConcurrentHashMap<>();
  /** Callbacks answered 503 (each attempt counts). */
  final AtomicInteger unavailable = new AtomicInteger();
  /** Of those, the 503s without a Retry-After header: ILK would not know when to retry. */
  final AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
  /** Attempts that got no HTTP answer at all (an I/O error, the request's timeout included). */
  final AtomicInteger unanswered = new AtomicInteger();
  /** Of those, the attempts that ran into the request's own timeout ({@link Webhook}'s 30 s). */
  final AtomicInteger timedOut = new AtomicInteger();
  final AtomicInteger givenUp = new AtomicInteger();
  final AtomicInteger otherStatus = new AtomicInteger();
  /** Longest time to a 503 answer, in nanoseconds. */
  final AtomicLong slowest503Nanos = new AtomicLong();
  /** Shortest time to a 503 answer, in nanoseconds; Long.MAX_VALUE if none. */
  final AtomicLong fastest503Nanos = new AtomicLong(Long.MAX_VALUE);

  private volatile boolean largeResults;

  IlkLoad(Webhook webhook, List<String> terminals, int maxRetries) {
    this.webhook = webhook;
    this.terminals = List.copyOf(terminals);
    this.maxRetries = maxRetries;
  }

  /**
   * Makes every result as large as ILK's field limits allow (a 256-character result message in
   * Hangul, 64-character order and approval numbers): about 1.2 KB per POS frame.
   */
  IlkLoad largeResults() {
    largeResults = true;
    return this;
  }

  private static final String LONG_ID = "X".repeat(64);
  private static final String LONG_MESSAGE = "승인".repeat(128);

  private String body(String tx, String terminal, long amount) {
    if (!largeResults) {
      return Webhook.approval(tx, terminal, amount);
    }
    return """
        {"transactionId":"%s","terminalId":"%s","merchantId":"%s","orderId":"%s",
         "resultCode":"0000","resultMessage":"%s","amount":%d,"currency":"KRW",
         "approvalNumber":"%s","cardNumberMasked":"123456******1234",
         "installmentMonths":3,"approvedAt":"2026-11-29T12:34:56+09:00"}
        """.formatted(tx, terminal, LONG_ID, LONG_ID, LONG_MESSAGE, amount, LONG_ID);
  }

  /** Starts posting {@code perSecond} callbacks a second until {@link #stopSending}. */
  IlkLoad startSteady(int perSecond) {
    long periodMicros = 1_000_000L / perSecond;
    ticker.scheduleAtFixedRate(() -> posters.execute(this::postNext), 0, periodMicros,
        TimeUnit.MICROSECONDS);
    return this;
  }

  /** Posts {@code count} callbacks as fast as 16 threads go, and waits for all of them. */
  void burst(int count, Duration atMost) throws InterruptedException {
    ExecutorService pool = posters;
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < count; i++) {
      pool.execute(() -> {
        postNext();
        done.incrementAndGet();
      });
    }
    org.awaitility.Awaitility.await().atMost(atMost).until(() -> done.get() == count);
  }

  /** Posts one approval for the next terminal; true if accepted (after retries). */
  boolean postNext() {
    String terminal = terminals.get((int) (next.getAndIncrement() % terminals.size()));
    return post(terminal);
  }

  /** Posts one approval for {@code terminal}; true if accepted (after retries). */
  boolean post(String terminal) {
    String tx = Webhook.newTransactionId();
    String body = body(tx, terminal, 1_000 + next.get() % 1000);
    long backoff = FIRST_BACKOFF_NANOS;
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      if (attempt > 0) {
        LockSupport.parkNanos(backoff); // ILK's retry backoff, not a synchronisation
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
      }
      long start = System.nanoTime();
      HttpResponse<String> response;
      try {
        response = webhook.post(body);
      } catch (IOException e) {
        unanswered.incrementAndGet();
        if (e instanceof HttpTimeoutException) {
          timedOut.incrementAndGet();
        }
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (response.statusCode() == 202) {
        String resultId = IlkResultIds.resultIdOf(tx);
        accepted.put(resultId, System.nanoTime());
        sent.put(resultId, start);
        terminalOf.put(resultId, terminal);
        return true;
      }
      if (response.statusCode() == 503) {
        unavailable.incrementAndGet();
        if (response.headers().firstValue("Retry-After").isEmpty()) {
          unavailableWithoutRetryAfter.incrementAndGet();
        }
        slowest503Nanos.accumulateAndGet(System.nanoTime() - start, Math::max);
        fastest503Nanos.accumulateAndGet(System.nanoTime() - start, Math::min);
      } else {
        otherStatus.incrementAndGet();
        return false;
      }
    }
    givenUp.incrementAndGet();
    return false;
  }

  /** Stops the steady rate and waits (bounded) for callbacks in flight. */
  void stopSending() throws InterruptedException {
    ticker.shutdownNow();
    posters.shutdown();
    posters.awaitTermination(60, TimeUnit.SECONDS);
  }

  Set<String> acceptedIds() {
    return Set.copyOf(accepted.keySet());
  }

  String summary() {
    return "accepted=" + accepted.size() + " 503s=" + unavailable + " (without Retry-After "
        + unavailableWithoutRetryAfter + ") unanswered=" + unanswered + " (timed out " + timedOut
        + ") given-up=" + givenUp + " other-status=" + otherStatus;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    posters.shutdownNow();
    try {
      posters.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
