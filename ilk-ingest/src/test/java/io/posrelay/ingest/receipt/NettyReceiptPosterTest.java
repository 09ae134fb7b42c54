package io.posrelay.ingest.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The poster against the testkit's ILK receipt receiver and bare sockets, over real sockets. */
class NettyReceiptPosterTest {
  private static final String SECRET = "receipt-secret-0123456789abcdef0123456789";
  private static final String OTHER_SECRET = "another-secret-0123456789abcdef0123456789";

  @Test
  void everyReceipt_isSignedWithTheCurrentKey_alsoAfterItChanges() throws Exception {
    AtomicReference<String> current = new AtomicReference<>(SECRET);
    try (IlkReceiptReceiver ilk = receiver();
        NettyReceiptPoster poster = new NettyReceiptPoster(URI.create(ilk.url()),
            Duration.ofSeconds(5), () -> current.get().getBytes(UTF_8), Clock.systemUTC())) {
      assertThat(post(poster, "r-1")).isEqualTo(new SendOutcome.Sent(200));
      assertThat(post(poster, "r-2")).isEqualTo(new SendOutcome.Sent(200));

      current.set(OTHER_SECRET); // a key ILK does not know: refused
      assertThat(post(poster, "r-3")).isEqualTo(new SendOutcome.Refused(401));

      current.set(SECRET);
      assertThat(post(poster, "r-4")).isEqualTo(new SendOutcome.Sent(200));
      assertThat(ilk.badSignatures()).isEqualTo(1);
      assertThat(ilk.received()).extracting(IlkReceiptReceiver.ReceivedReceipt::resultId)
          .containsExactly("r-1", "r-2", "r-4");
      assertThat(ilk.received().get(0).idempotencyKey())
          .isEqualTo(Receipt.receiptId("r-1", ReceiptKind.DELIVERED));
    }
  }

  @Test
  void manyReceiptsAtOnce_areAllSent_onPooledConnections() throws Exception {
    try (IlkReceiptReceiver ilk = receiver();
        NettyReceiptPoster poster = new NettyReceiptPoster(URI.create(ilk.url()),
            Duration.ofSeconds(10), () -> SECRET.getBytes(UTF_8), Clock.systemUTC())) {
      List<CompletableFuture<SendOutcome>> outcomes = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Receipt receipt = receipt("m-" + i);
        outcomes.add(poster.post(receipt, ReceiptJson.toJson(receipt)));
      }
      for (CompletableFuture<SendOutcome> outcome : outcomes) {
        assertThat(outcome.get(20, TimeUnit.SECONDS)).isEqualTo(new SendOutcome.Sent(200));
      }
      assertThat(ilk.received()).hasSize(200);
    }
  }

  @Test
  void unavailableIlk_isARetry_withItsRetryAfter() throws Exception {
    try (IlkReceiptReceiver ilk = receiver();
        NettyReceiptPoster poster = new NettyReceiptPoster(URI.create(ilk.url()),
            Duration.ofSeconds(5), () -> SECRET.getBytes(UTF_8), Clock.systemUTC())) {
      ilk.answerUnavailable(true);

      assertThat(post(poster, "u-1"))
          .isEqualTo(new SendOutcome.Retry("HTTP 503", Duration.ofSeconds(1)));
    }
  }

  @Test
  void noAnswerWithinTheDeadline_isARetry_timeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NettyReceiptPoster poster = new NettyReceiptPoster(
            URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/ilk/v1/receipts"),
            Duration.ofMillis(300), () -> SECRET.getBytes(UTF_8), Clock.systemUTC())) {
      CompletableFuture<SendOutcome> outcome = poster.post(receipt("t-1"),
          ReceiptJson.toJson(receipt("t-1")));
      try (Socket accepted = silent.accept()) { // connected, never answered
        assertThat(accepted.isConnected()).isTrue();
        assertThat(outcome.get(10, TimeUnit.SECONDS))
            .isEqualTo(new SendOutcome.Retry("timeout", null));
      }
    }
  }

  @Test
  void refusedConnection_isARetry_connectionError() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    }
    try (NettyReceiptPoster poster = new NettyReceiptPoster(
        URI.create("http://127.0.0.1:" + port + "/ilk/v1/receipts"), Duration.ofSeconds(5),
        () -> SECRET.getBytes(UTF_8), Clock.systemUTC())) {
      SendOutcome outcome = post(poster, "c-1");

      assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      assertThat(((SendOutcome.Retry) outcome).reason()).startsWith("connection error (");
    }
  }

  @Test
  void afterClose_aPostIsARetry_notAnException() throws Exception {
    NettyReceiptPoster poster = new NettyReceiptPoster(URI.create("http://127.0.0.1:9/x"),
        Duration.ofSeconds(5), () -> SECRET.getBytes(UTF_8), Clock.systemUTC());
    poster.close();

    assertThat(post(poster, "z-1")).isInstanceOf(SendOutcome.Retry.class);
  }

  private static IlkReceiptReceiver receiver() throws Exception {
    return IlkReceiptReceiver.start(0, RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET,
        SECRET));
  }

  private static Receipt receipt(String resultId) {
    return new Receipt(Receipt.receiptId(resultId, ReceiptKind.DELIVERED),
        ReceiptKind.DELIVERED, resultId, "ILK-" + resultId, "CAT-0001", "MID-77", "30012345",
        15_000L, "KRW", "DELIVERED", null, Instant.parse("2026-11-29T03:00:01.250Z"));
  }

  private static SendOutcome post(NettyReceiptPoster poster, String resultId) throws Exception {
    Receipt receipt = receipt(resultId);
    return poster.post(receipt, ReceiptJson.toJson(receipt)).get(10, TimeUnit.SECONDS);
  }
}
