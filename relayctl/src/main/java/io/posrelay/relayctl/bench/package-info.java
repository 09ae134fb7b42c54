/**
 * {@code relayctl bench}: the end-to-end benchmark of POS Relay against raw Kafka, and its
 * connection-scale mode ({@code bench connections}).
 *
 * <p>The latency benchmark ({@link io.posrelay.relayctl.bench.LatencyBench}) starts a local
 * cluster as child processes, runs a baseline — a plain Kafka producer to consumer hop on the
 * same broker, on a topic with the results topic's settings — and then the full path (simulated
 * ILK callback → ilk-ingest → Kafka → every relay node → simulated terminal), both at a fixed
 * rate, measuring each result from its <em>intended</em> send time (so a stalled sender does not
 * hide latency: coordinated omission) into HdrHistograms. The connection-scale benchmark ({@link
 * io.posrelay.relayctl.bench.ConnectionScaleBench}) holds many idle, heartbeating terminals on one
 * relay node and reads that node's heap after a full GC and its resident memory.
 *
 * <p>Both reuse relayctl's {@link io.posrelay.relayctl.LocalCluster}, {@link
 * io.posrelay.relayctl.PosSimulator} and {@link io.posrelay.relayctl.IlkSimulator}; the method and
 * the figures are in {@code docs/benchmarks.md}.
 */
@NullMarked
package io.posrelay.relayctl.bench;

import org.jspecify.annotations.NullMarked;
