/**
 * ilk-ingest's side of Kafka: {@link io.posrelay.ingest.kafka.PaymentResultPublisher} produces
 * each {@link io.posrelay.v1.PaymentResult} to the results topic, off the event loops, with a
 * bound on the records in flight, and fails fast while Kafka is unreachable. The only package of
 * the request path that imports Kafka.
 */
@NullMarked
package io.posrelay.ingest.kafka;

import org.jspecify.annotations.NullMarked;
