/**
 * ilk-ingest: the HTTP webhook that receives ILK payment results, validates them, maps them to
 * {@link io.posrelay.v1.PaymentResult} and produces them to Kafka ({@code posrelay.results}, key =
 * terminal id), answering {@code 202} only after the broker acknowledged the record.
 *
 * <p>This package holds the entry points only: {@link io.posrelay.ingest.IlkIngestCommand} (the
 * command line), {@link io.posrelay.ingest.IlkIngestConfig} and {@link
 * io.posrelay.ingest.IlkIngestServer}, which wires the features together. One package per feature:
 *
 * <pre>
 * http       the Netty pipeline: deadlines, body limit, routing, answers; calls the others
 * callback   an ILK callback's JSON → PaymentResult, its result_id, masked card numbers
 * signature  ILK's signing secrets and the HMAC check of a callback
 * kafka      the publisher: PaymentResult → results topic, off the event loops, bounded
 * metrics    every meter ilk-ingest registers
 * </pre>
 *
 * Public outside their package: what the server and the pipeline call, and for other modules
 * {@link io.posrelay.ingest.callback.IlkResultIds}, {@link
 * io.posrelay.ingest.metrics.IngestMeters} (the meter names) and, for ILK's side of the signature
 * ({@code relayctl ilk-sim}), {@link io.posrelay.ingest.signature.IlkSecrets} with {@link
 * io.posrelay.ilk.v1.IlkSignatures}. Only {@code IlkIngestServer} and the {@code kafka} package
 * import Kafka.
 */
@NullMarked
package io.posrelay.ingest;

import org.jspecify.annotations.NullMarked;
