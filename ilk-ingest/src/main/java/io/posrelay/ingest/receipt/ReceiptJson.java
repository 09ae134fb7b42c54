package io.posrelay.ingest.receipt;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * A receipt's JSON body: one object, UTF-8, no whitespace, the fields always present and always in
 * this order (an unknown one is {@code null}), {@code at} as ISO-8601 UTC:
 *
 * <pre>
 * {"receiptId":"…","kind":"DELIVERED","resultId":"…","transactionId":"ILK…","terminalId":"CAT-0001",
 *  "merchantId":"MID-77","approvalNumber":"30012345","amount":15000,"currency":"KRW",
 *  "status":"DELIVERED","reason":null,"at":"2026-11-29T03:00:01.250Z"}
 * </pre>
 *
 * The bytes are what is signed and sent. Stateless and thread-safe.
 */
public final class ReceiptJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ReceiptJson() {}

  /** The body of {@code receipt}. */
  public static byte[] toJson(Receipt receipt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(384);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("receiptId", receipt.receiptId());
      g.writeStringField("kind", receipt.kind().name());
      g.writeStringField("resultId", receipt.resultId());
      string(g, "transactionId", receipt.transactionId());
      g.writeStringField("terminalId", receipt.terminalId());
      string(g, "merchantId", receipt.merchantId());
      string(g, "approvalNumber", receipt.approvalNumber());
      Long amount = receipt.amount();
      if (amount == null) {
        g.writeNullField("amount");
      } else {
        g.writeNumberField("amount", amount);
      }
      string(g, "currency", receipt.currency());
      g.writeStringField("status", receipt.status());
      string(g, "reason", receipt.reason());
      g.writeStringField("at", receipt.at().toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return out.toByteArray();
  }

  private static void string(JsonGenerator g, String field, @Nullable String value)
      throws IOException {
    if (value == null) {
      g.writeNullField(field);
    } else {
      g.writeStringField(field, value);
    }
  }
}
