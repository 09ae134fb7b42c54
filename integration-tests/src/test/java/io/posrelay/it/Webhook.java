package io.posrelay.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** ILK's side of the webhook: posts JSON callbacks to a running ilk-ingest. */
final class Webhook {
  private static final AtomicLong SEQUENCE = new AtomicLong();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI uri;

  Webhook(int port) {
    this.uri = URI.create("http://127.0.0.1:" + port + "/ilk/v1/results");
  }

  URI uri() {
    return uri;
  }

  /** A unique transaction id for this JVM run. */
  static String newTransactionId() {
    return "tx-" + System.nanoTime() + "-" + SEQUENCE.incrementAndGet();
  }

  /** An approval callback body with every field set. */
  static String approval(String transactionId, String terminalId, long amount) {
    return """
        {"transactionId":"%s","terminalId":"%s","merchantId":"M-%s","orderId":"O-%s",
         "resultCode":"0000","resultMessage":"approved","amount":%d,"currency":"KRW",
         "approvalNumber":"30012345","cardNumberMasked":"123456******1234",
         "installmentMonths":3,"approvedAt":"2026-11-29T12:34:56+09:00"}
        """
        .formatted(transactionId, terminalId, terminalId, transactionId, amount);
  }

  HttpResponse<String> post(String body) throws IOException, InterruptedException {
    return post(body, "application/json");
  }

  HttpResponse<String> post(String body, String contentType)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
