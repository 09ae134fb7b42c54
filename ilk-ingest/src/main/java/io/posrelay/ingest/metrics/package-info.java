/**
 * The metrics of ilk-ingest: {@link io.posrelay.ingest.metrics.IngestMeters} names and registers
 * every meter the webhook records (requests by outcome, publish latency and in-flight, open and
 * rejected connections), so that one class lists them all.
 */
@NullMarked
package io.posrelay.ingest.metrics;

import org.jspecify.annotations.NullMarked;
