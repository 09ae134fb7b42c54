/**
 * Receipts to ILK (docs/ilk-receipts.md): for every DELIVERED, REVERSAL_REQUIRED and conflict
 * transition on the delivery-events topic, a signed JSON receipt POSTed to ILK, at least once,
 * in order per terminal, retried with backoff and dead-lettered only when ILK refuses it or it
 * outlives its retry age.
 *
 * <pre>
 * Receipt, ReceiptKind   a DeliveryEvent → the receipt it calls for (or none), pure
 * ReceiptJson            the receipt's JSON body, fields in a fixed order
 * SendOutcome            what one POST came to: sent, retry (why, Retry-After), refused
 * RetryPolicy            backoff with jitter, the maximum age; pure
 * PartitionLane          one partition's receipts in memory, in order, and its head's state; pure
 * ReceiptPoster          the HTTP side: NettyReceiptPoster signs and POSTs with a deadline
 * ReceiptSender          the Kafka side: the consumer group loop, pauses, commits, dead letters
 * </pre>
 *
 * Only {@code ReceiptSender} and {@code DeadLetters} import Kafka.
 */
@NullMarked
package io.posrelay.ingest.receipt;

import org.jspecify.annotations.NullMarked;
