package io.posrelay.bench;

import org.HdrHistogram.Histogram;

/**
 * The figures of one benchmark phase (the relay's full path, or the Kafka baseline). Latencies
 * are from each message's intended send time to its arrival, over the messages due within the
 * measured window (warm-up excluded); counts cover the whole phase, warm-up included.
 *
 * @param p50Millis median latency, ms
 * @param p90Millis 90th percentile, ms
 * @param p99Millis 99th percentile, ms
 * @param p999Millis 99.9th percentile, ms
 * @param maxMillis largest latency, ms
 * @param samples latencies behind the percentiles
 * @param throughputPerSecond messages that arrived within the measured window, per second
 * @param sent messages sent (ILK callbacks posted; records handed to the producer)
 * @param accepted messages the system took responsibility for (webhook 202; broker ack)
 * @param delivered distinct messages that arrived (at a terminal; at the consumer)
 * @param lost accepted but never arrived within the drain time, >= 0
 * @param errors sent but not accepted (non-202 answers, failed requests, failed sends)
 * @param duplicates arrivals of a message that had arrived before
 * @param cpu CPU spent by each process over the measured window
 */
public record PhaseResult(
    double p50Millis,
    double p90Millis,
    double p99Millis,
    double p999Millis,
    double maxMillis,
    long samples,
    double throughputPerSecond,
    long sent,
    long accepted,
    long delivered,
    long lost,
    long errors,
    long duplicates,
    CpuUsage cpu) {

  /**
   * The figures from a phase's measured latencies and counts.
   *
   * @param micros latencies in microseconds
   * @param windowArrivals messages that arrived within the measured window
   * @param windowSeconds the measured window's length, > 0
   */
  static PhaseResult of(Histogram micros, long windowArrivals, double windowSeconds, long sent,
      long accepted, long delivered, long errors, long duplicates, CpuUsage cpu) {
    return new PhaseResult(
        millis(micros, 50), millis(micros, 90), millis(micros, 99), millis(micros, 99.9),
        micros.getTotalCount() == 0 ? 0 : micros.getMaxValue() / 1000.0,
        micros.getTotalCount(),
        windowArrivals / windowSeconds,
        sent, accepted, delivered, Math.max(0, accepted - delivered), errors, duplicates, cpu);
  }

  private static double millis(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
  }
}
