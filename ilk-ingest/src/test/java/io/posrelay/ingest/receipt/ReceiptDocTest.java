package io.posrelay.ingest.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.v1.PaymentResult;
import com.google.protobuf.Timestamp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** docs/ilk-receipts.md's worked example, byte for byte, from the code that sends receipts. */
class ReceiptDocTest {
  private static final String SECRET = "ilk-receipt-example-secret-0123456789abcdef";
  private static final String TIMESTAMP = "1795924801";

  static DeliveryEvent exampleEvent() {
    String resultId = IlkResultIds.resultIdOf("ILK20261129000001");
    Instant at = Instant.parse("2026-11-29T03:00:01.250Z");
    return DeliveryEvent.newBuilder()
        .setResultId(resultId).setTerminalId("CAT-0001")
        .setFrom(DeliveryStatus.DELIVERY_STATUS_PENDING)
        .setTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED)
        .setAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
        .setPaymentResult(PaymentResult.newBuilder().setResultId(resultId)
            .setTransactionId("ILK20261129000001").setTerminalId("CAT-0001")
            .setMerchantId("MID-77").setResultCode("0000").setAmount(15000)
            .setCurrency("KRW").setApprovalNumber("30012345"))
        .build();
  }

  @Test
  void workedExample_isWhatTheSenderSignsAndSends() throws Exception {
    String doc = Files.readString(docs().resolve("ilk-receipts.md"), UTF_8);
    Receipt receipt = Receipt.of(exampleEvent(), Instant.EPOCH);
    byte[] body = ReceiptJson.toJson(receipt);
    String signature = IlkSignatures.sign(SECRET.getBytes(UTF_8), TIMESTAMP, body);

    assertThat(doc).contains("secret    " + SECRET + "\n")
        .contains("timestamp " + TIMESTAMP + "\n")
        .contains("body      " + new String(body, UTF_8) + "\n")
        .contains("Idempotency-Key: " + receipt.receiptId() + "\n")
        .contains("X-ILK-Signature: " + signature + "\n")
        .contains("# SHA2-256(stdin)= " + signature.substring(IlkSignatures.V1_PREFIX.length()))
        .contains("printf '%s' '" + TIMESTAMP + "." + new String(body, UTF_8) + "'");
  }

  static Path docs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/ilk-receipts.md"))) {
        return dir.resolve("docs");
      }
    }
    throw new AssertionError("docs/ilk-receipts.md not found");
  }
}
