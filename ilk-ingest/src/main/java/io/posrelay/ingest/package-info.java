/**
 * ilk-ingest: the HTTP webhook that receives ILK payment results, validates them, maps them to
 * {@link io.posrelay.v1.PaymentResult} and produces them to Kafka ({@code posrelay.results}, key =
 * terminal id), answering {@code 202} only after the broker acknowledged the record.
 *
 * <p>Public entry points: {@link io.posrelay.ingest.IlkIngestConfig}, {@link
 * io.posrelay.ingest.IlkIngestServer}, {@link io.posrelay.ingest.IlkIngestCommand}, {@link
 * io.posrelay.ingest.IlkResultIds}, {@link io.posrelay.ingest.metrics.IngestMeters}, and for ILK's side of
 * the signature (used by {@code relayctl ilk-sim}) {@link io.posrelay.ingest.IlkSecrets} and {@link
 * io.posrelay.ilk.v1.IlkSignatures}. Everything else is package-private. Only {@code
 * IlkIngestServer} and {@code PaymentResultPublisher} import Kafka.
 */
@NullMarked
package io.posrelay.ingest;

import org.jspecify.annotations.NullMarked;
