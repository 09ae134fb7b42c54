package io.posrelay.testkit.ilk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated ILK's receipt endpoint ({@code POST /ilk/v1/receipts}, docs/ilk-receipts.md) on a port
 * of its own: checks every receipt's signature against the receipt secrets (401 and counted when
 * it does not match), records each signed receipt in arrival order and answers 200 — or, while
 * {@link #answerUnavailable} is on, 503 with {@code Retry-After: 1} without recording.
 *
 * <p>A JDK {@code HttpServer} on one thread of its own; the records and counters are thread-safe.
 * Close it to stop.
 */
public final class IlkReceiptReceiver implements AutoCloseable {
  /** The path receipts are posted to: {@value}. */
  public static final String PATH = "/ilk/v1/receipts";
  private static final int MAX_BODY_BYTES = 64 * 1024;

  /** One receipt as received: the fields a test or the demo checks. */
  public record ReceivedReceipt(String receiptId, String kind, String resultId, String terminalId,
      String at, String idempotencyKey) {
    /** Whether it is a final receipt (DELIVERED or REVERSAL_REQUIRED). */
    public boolean isFinal() {
      return kind.equals("DELIVERED") || kind.equals("REVERSAL_REQUIRED");
    }
  }

  private final RotatingSecrets secrets;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectMapper mapper = new ObjectMapper();
  private final List<ReceivedReceipt> received = new ArrayList<>();
  private final AtomicLong badSignatures = new AtomicLong();
  private final AtomicLong unavailableAnswers = new AtomicLong();
  private final Set<String> finalResultIds = new HashSet<>();
  private volatile boolean unavailable;

  private IlkReceiptReceiver(RotatingSecrets secrets, HttpServer server) {
    this.secrets = secrets;
    this.server = server;
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "ilk-sim-receipts");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext(PATH, this::handle);
  }

  /**
   * Starts listening on {@code 127.0.0.1:port}.
   *
   * @param port 0 = a free port
   * @param secrets the receipt secrets a signature may match
   * @throws IOException if the port cannot be bound
   */
  public static IlkReceiptReceiver start(int port, RotatingSecrets secrets) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    IlkReceiptReceiver receiver = new IlkReceiptReceiver(secrets, server);
    server.start();
    return receiver;
  }

  /** The URL to give ilk-ingest as {@code --ilk-receipt-url}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  /** While true, every receipt is answered 503 (Retry-After: 1) and not recorded. */
  public void answerUnavailable(boolean value) {
    unavailable = value;
  }

  /** Every signed receipt answered 200, in arrival order (a copy). */
  public synchronized List<ReceivedReceipt> received() {
    return List.copyOf(received);
  }

  /**
   * How many of {@code resultIds} have had a final receipt (DELIVERED or REVERSAL_REQUIRED)
   * here: results of other runs on the same Kafka are not counted.
   */
  public synchronized long finalReceiptsAmong(Set<String> resultIds) {
    Set<String> smaller = resultIds.size() < finalResultIds.size() ? resultIds : finalResultIds;
    Set<String> larger = smaller == resultIds ? finalResultIds : resultIds;
    return smaller.stream().filter(larger::contains).count();
  }

  /** Receipts whose signature was missing or wrong. */
  public long badSignatures() {
    return badSignatures.get();
  }

  /** Receipts answered 503 by {@link #answerUnavailable}. */
  public long unavailableAnswers() {
    return unavailableAnswers.get();
  }

  /** The tally of what arrived, for the published results. */
  public ReceiptTally tally(java.util.Collection<String> mustHaveFinalReceipt) {
    return ReceiptTally.of(received(), mustHaveFinalReceipt, badSignatures());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES);
      if (!"POST".equals(exchange.getRequestMethod())) {
        answer(exchange, 405);
        return;
      }
      if (!signed(exchange, body)) {
        badSignatures.incrementAndGet();
        answer(exchange, 401);
        return;
      }
      if (unavailable) {
        unavailableAnswers.incrementAndGet();
        exchange.getResponseHeaders().add("Retry-After", "1");
        answer(exchange, 503);
        return;
      }
      JsonNode json = mapper.readTree(body);
      ReceivedReceipt receipt = new ReceivedReceipt(text(json, "receiptId"), text(json, "kind"),
          text(json, "resultId"), text(json, "terminalId"), text(json, "at"),
          String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
      synchronized (this) {
        received.add(receipt);
        if (receipt.isFinal()) {
          finalResultIds.add(receipt.resultId());
        }
      }
      answer(exchange, 200);
    } catch (IOException | RuntimeException e) {
      // a broken request: the sender sees a reset connection and retries
    }
  }

  private boolean signed(HttpExchange exchange, byte[] body) {
    String timestamp = exchange.getRequestHeaders().getFirst(IlkSignatures.TIMESTAMP_HEADER);
    String signature = exchange.getRequestHeaders().getFirst(IlkSignatures.SIGNATURE_HEADER);
    if (timestamp == null || signature == null
        || !signature.startsWith(IlkSignatures.V1_PREFIX)) {
      return false;
    }
    byte[] presented;
    try {
      presented = HexFormat.of().parseHex(
          signature.substring(IlkSignatures.V1_PREFIX.length()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return false;
    }
    for (byte[] key : secrets.all()) {
      if (MessageDigest.isEqual(presented,
          IlkSignatures.hmac(key, timestamp, ByteBuffer.wrap(body)))) {
        return true;
      }
    }
    return false;
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || node.isNull() ? "" : node.asText();
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** For messages: {@code ilk-sim receipts at http://…}. */
  @Override
  public String toString() {
    return "ilk-sim receipts at " + url();
  }
}
