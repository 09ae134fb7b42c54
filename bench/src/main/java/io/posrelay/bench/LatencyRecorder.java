package io.posrelay.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of one benchmark phase, in microseconds with 3 significant digits, up to 2 minutes
 * (a longer one is recorded as 2 minutes and counted in {@link #clamped()}).
 *
 * <p>Each latency is measured from the message's <em>intended</em> send time at the fixed rate
 * (start + (sequence − 1) × period), not from when the sender got round to sending it: a sender
 * that falls behind cannot hide the wait (coordinated omission). Two views: every latency, for
 * the progress line's last interval, and those of the measured window only (after the warm-up),
 * for the final figures. Recording is wait-free and thread-safe; the views are read by one
 * thread at a time.
 */
final class LatencyRecorder {
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(2);

  private final Recorder everything = new Recorder(HIGHEST_MICROS, 3);
  private final Recorder measured = new Recorder(HIGHEST_MICROS, 3);
  private final Histogram measuredTotal = new Histogram(HIGHEST_MICROS, 3);
  private final LongAdder clamped = new LongAdder();
  private final LongAdder arrivalsInWindow = new LongAdder();
  private final long windowStartNanos;
  private final long windowEndNanos;

  /**
   * @param windowStartNanos {@link System#nanoTime()} at which the measured window opens (after
   *     the warm-up)
   * @param windowEndNanos at which it closes, > start
   */
  LatencyRecorder(long windowStartNanos, long windowEndNanos) {
    this.windowStartNanos = windowStartNanos;
    this.windowEndNanos = windowEndNanos;
  }

  /**
   * Records one message.
   *
   * @param intendedNanos when it was due to be sent, {@link System#nanoTime()}
   * @param arrivedNanos when it arrived, {@link System#nanoTime()}
   */
  void record(long intendedNanos, long arrivedNanos) {
    long micros = Math.max(0, (arrivedNanos - intendedNanos) / 1_000);
    if (micros > HIGHEST_MICROS) {
      micros = HIGHEST_MICROS;
      clamped.increment();
    }
    everything.recordValue(micros);
    if (intendedNanos - windowStartNanos >= 0 && intendedNanos - windowEndNanos < 0) {
      measured.recordValue(micros);
    }
    if (arrivedNanos - windowStartNanos >= 0 && arrivedNanos - windowEndNanos < 0) {
      arrivalsInWindow.increment();
    }
  }

  /** Every latency recorded since the previous call (warm-up included), for progress lines. */
  Histogram interval() {
    return everything.getIntervalHistogram();
  }

  /** The latencies of messages due within the measured window, so far. */
  synchronized Histogram measured() {
    measuredTotal.add(measured.getIntervalHistogram());
    return measuredTotal.copy();
  }

  /** Messages that arrived within the measured window (whenever they were due). */
  long arrivalsInWindow() {
    return arrivalsInWindow.sum();
  }

  /** Latencies longer than the histogram's range, recorded as its highest value. */
  long clamped() {
    return clamped.sum();
  }

  /** The measured window's length in seconds. */
  double windowSeconds() {
    return (windowEndNanos - windowStartNanos) / 1e9;
  }
}
