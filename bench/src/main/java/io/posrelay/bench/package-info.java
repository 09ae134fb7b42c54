/**
 * The benchmarks of POS Relay, which {@code relayctl bench} runs: the end-to-end latency benchmark
 * against raw Kafka, and the connection-scale benchmark ({@code bench connections}).
 *
 * <p>The latency benchmark ({@link io.posrelay.bench.LatencyBench}) starts a local cluster as
 * child processes, runs a baseline — a plain Kafka producer to consumer hop on the same broker,
 * on a topic with the results topic's settings — and then the full path (simulated ILK callback →
 * ilk-ingest → Kafka → every relay node → simulated terminal), both at a fixed rate, measuring
 * each result from its <em>intended</em> send time (so a stalled sender does not hide latency:
 * coordinated omission) into HdrHistograms. The connection-scale benchmark ({@link
 * io.posrelay.bench.ConnectionScaleBench}) holds many idle, heartbeating terminals on one relay
 * node and reads that node's heap after a full GC and its resident memory.
 *
 * <p>Both run on the test kit's {@link io.posrelay.testkit.cluster.LocalCluster}, {@link
 * io.posrelay.testkit.pos.PosSimulator} and {@link io.posrelay.testkit.ilk.IlkSimulator}, and use
 * no service's internals; the method and the figures are in {@code docs/benchmarks.md}.
 */
@NullMarked
package io.posrelay.bench;

import org.jspecify.annotations.NullMarked;
