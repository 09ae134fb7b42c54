package io.posrelay.ingest.receipt;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The record a dead-lettered receipt becomes on the dead-letter topic: key the terminal id, value
 * the receipt's JSON body (as it would have been sent), and why in headers:
 *
 * <pre>
 * posrelay.receipt.reason    refused | expired
 * posrelay.receipt.detail    "HTTP 400" | "expired after 37 attempts, last: HTTP 503"
 * posrelay.receipt.id        the receipt id (= Idempotency-Key)
 * posrelay.receipt.source    the delivery event: posrelay.delivery-events-3@1234
 * posrelay.receipt.attempts  attempts made, decimal
 * </pre>
 *
 * Stateless.
 */
final class DeadLetters {
  static final String REASON = "posrelay.receipt.reason";
  static final String DETAIL = "posrelay.receipt.detail";
  static final String RECEIPT_ID = "posrelay.receipt.id";
  static final String SOURCE = "posrelay.receipt.source";
  static final String ATTEMPTS = "posrelay.receipt.attempts";

  private DeadLetters() {}

  /**
   * @param expired true when the receipt outlived its retry age, false when ILK refused it
   * @param detail what the last attempt came to; never a secret
   */
  static ProducerRecord<String, byte[]> record(String topic, Receipt receipt, boolean expired,
      String detail, TopicPartition source, long offset, int attempts) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, receipt.terminalId(), ReceiptJson.toJson(receipt));
    record.headers()
        .add(REASON, (expired ? "expired" : "refused").getBytes(UTF_8))
        .add(DETAIL, detail.getBytes(UTF_8))
        .add(RECEIPT_ID, receipt.receiptId().getBytes(UTF_8))
        .add(SOURCE, (source + "@" + offset).getBytes(UTF_8))
        .add(ATTEMPTS, Integer.toString(attempts).getBytes(UTF_8));
    return record;
  }
}
