/**
 * ilk-ingest: the HTTP webhook that receives ILK payment results, validates them, maps them to
 * {@link io.posrelay.v1.PaymentResult} and produces them to Kafka ({@code topic.results}, key =
 * terminal id), answering {@code 202} only after the broker acknowledged the record.
 *
 * <p>This package holds the public entry points only: {@link io.posrelay.ingest.IngestKeys} (every
 * configuration key, defined once, and the Kafka producer's settings), {@link
 * io.posrelay.ingest.IlkIngestServer}, which wires the features together, and {@link
 * io.posrelay.ingest.IlkIngestCommand} (the command line, derived from the keys). One package
 * per feature:
 *
 * <pre>
 * http       the Netty pipeline: deadlines, body limit, routing, answers; calls the others
 * callback   an ILK callback's JSON → PaymentResult, its result_id, masked card numbers
 * signature  the HMAC check of a callback against ILK's rotating secrets
 * kafka      the publisher: PaymentResult → results topic, off the event loops, bounded
 * metrics    every meter ilk-ingest registers (served on management.port, not the webhook's)
 * </pre>
 *
 * Public outside their package: what the server and the pipeline call, and for other modules
 * {@link io.posrelay.ilk.v1.IlkResultIds} and {@link
 * io.posrelay.ingest.metrics.IngestMeters} (the meter names). ILK's secrets are loaded by
 * service-runtime's {@link io.posrelay.runtime.secrets.RotatingSecrets}; ILK's side of the
 * signature ({@code relayctl ilk-sim}) is {@link io.posrelay.ilk.v1.IlkSignatures}. Only
 * {@code IngestKeys} (the producer's settings), {@code IlkIngestServer} and the {@code kafka}
 * package import Kafka; no feature package imports this one.
 */
@NullMarked
package io.posrelay.ingest;

import org.jspecify.annotations.NullMarked;
