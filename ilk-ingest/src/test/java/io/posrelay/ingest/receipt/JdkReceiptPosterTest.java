package io.posrelay.ingest.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.testkit.ilk.IlkReceiptReceiver;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The poster against the testkit's ILK receipt receiver, over a real socket. */
class JdkReceiptPosterTest {
  private static final String SECRET = "receipt-secret-0123456789abcdef0123456789";
  private static final String OTHER_SECRET = "another-secret-0123456789abcdef0123456789";

  @Test
  void everyReceipt_isSignedWithTheCurrentKey_alsoAfterItChanges() throws Exception {
    AtomicReference<String> current = new AtomicReference<>(SECRET);
    try (IlkReceiptReceiver ilk = IlkReceiptReceiver.start(0,
            RotatingSecrets.of(RotatingSecrets.Rule.HMAC_SECRET, SECRET));
        JdkReceiptPoster poster = new JdkReceiptPoster(URI.create(ilk.url()),
            Duration.ofSeconds(5), () -> current.get().getBytes(UTF_8), Clock.systemUTC())) {
      assertThat(post(poster, "r-1")).isInstanceOf(SendOutcome.Sent.class);
      assertThat(post(poster, "r-2")).isInstanceOf(SendOutcome.Sent.class);

      current.set(OTHER_SECRET); // a key ILK does not know: refused
      assertThat(post(poster, "r-3")).isEqualTo(new SendOutcome.Refused(401));

      current.set(SECRET);
      assertThat(post(poster, "r-4")).isInstanceOf(SendOutcome.Sent.class);
      assertThat(ilk.badSignatures()).isEqualTo(1);
      assertThat(ilk.received()).extracting(IlkReceiptReceiver.ReceivedReceipt::resultId)
          .containsExactly("r-1", "r-2", "r-4");
    }
  }

  private static SendOutcome post(JdkReceiptPoster poster, String resultId) throws Exception {
    Receipt receipt = new Receipt(Receipt.receiptId(resultId, ReceiptKind.DELIVERED),
        ReceiptKind.DELIVERED, resultId, "ILK-" + resultId, "CAT-0001", "MID-77", "30012345",
        15_000L, "KRW", "DELIVERED", null, Instant.parse("2026-11-29T03:00:01.250Z"));
    return poster.post(receipt, ReceiptJson.toJson(receipt)).get(10, TimeUnit.SECONDS);
  }
}
