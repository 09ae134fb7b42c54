package io.posrelay.ingest.receipt;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.posrelay.ilk.v1.IlkSignatures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Posts receipts with the JDK's {@link HttpClient} (HTTP/1.1, keep-alive), each with the deadline
 * {@code timeout} (connecting included), on two daemon threads of its own ({@code
 * ilk-receipts-http}); never on a Netty event loop. Each attempt is signed when it is sent, as ILK
 * signs its callbacks (docs/ilk-webhook.md): a retry a day later carries a fresh timestamp.
 *
 * <pre>
 * POST {url}
 * Content-Type: application/json
 * Idempotency-Key: {receiptId}
 * X-ILK-Timestamp: 1795924801
 * X-ILK-Signature: v1=&lt;HMAC-SHA256(secret, timestamp + "." + body), 64 hex&gt;
 * </pre>
 *
 * Thread-safe.
 */
public final class JdkReceiptPoster implements ReceiptPoster {
  /** The header ILK deduplicates receipts by: {@value}. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final URI url;
  private final Duration timeout;
  private final Supplier<byte[]> signingKey;
  private final Clock clock;
  private final ExecutorService executor;
  private final HttpClient client;
  /** Keyed with the last key {@code signingKey} gave; replaced when the secret changes. */
  private volatile IlkSignatures.@Nullable Signer signer;

  /**
   * @param url ILK's receipt endpoint, http or https (the JDK's trust store checks https)
   * @param timeout each POST's deadline, connecting included
   * @param signingKey the current receipt secret's bytes, asked at each attempt
   * @param clock the signing clock
   */
  public JdkReceiptPoster(URI url, Duration timeout, Supplier<byte[]> signingKey, Clock clock) {
    this.url = url;
    this.timeout = timeout;
    this.signingKey = signingKey;
    this.clock = clock;
    executor = Executors.newFixedThreadPool(2, new DefaultThreadFactory("ilk-receipts-http", true));
    client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  @Override
  public CompletableFuture<SendOutcome> post(Receipt receipt, byte[] body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(url)
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header(IDEMPOTENCY_KEY, receipt.receiptId())
          .header(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .header(IlkSignatures.SIGNATURE_HEADER, signer().sign(timestamp, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(SendOutcome.ofFailure(e));
    }
    try {
      return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .handle((response, failure) -> failure != null ? SendOutcome.ofFailure(unwrap(failure))
              : SendOutcome.ofStatus(response.statusCode(),
                  response.headers().firstValue("Retry-After")));
    } catch (RuntimeException e) { // the executor was shut down
      return CompletableFuture.completedFuture(SendOutcome.ofFailure(e));
    }
  }

  /** The signer of the current key: made once per secret, not once per receipt. */
  private IlkSignatures.Signer signer() {
    byte[] key = signingKey.get();
    IlkSignatures.Signer current = signer;
    if (current == null || !current.hasKey(key)) {
      current = new IlkSignatures.Signer(key);
      signer = current;
    }
    return current;
  }

  private static Throwable unwrap(Throwable failure) {
    return failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
