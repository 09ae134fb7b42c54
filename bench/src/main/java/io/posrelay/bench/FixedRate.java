package io.posrelay.bench;

/**
 * The send schedule of a benchmark phase: message {@code n} (1-based) is due at {@code start +
 * (n − 1) × period}. The period is computed as {@link io.posrelay.testkit.ilk.IlkSimulator} computes
 * its own ({@code max(1, (long) (1e9 / rate))} ns), so the intended send time of every simulated
 * ILK callback can be derived from its sequence number.
 *
 * @param startNanos {@link System#nanoTime()} when message 1 is due
 * @param periodNanos nanoseconds between two messages, >= 1
 */
record FixedRate(long startNanos, long periodNanos) {

  /**
   * A schedule at {@code ratePerSecond} messages per second from {@code startNanos}.
   *
   * @param ratePerSecond > 0
   */
  static FixedRate of(long startNanos, double ratePerSecond) {
    return new FixedRate(startNanos, Math.max(1, (long) (1e9 / ratePerSecond)));
  }

  /** When message {@code sequence} (1-based) is due, {@link System#nanoTime()}. */
  long intendedNanos(long sequence) {
    return startNanos + (sequence - 1) * periodNanos;
  }

  /**
   * The sequence number at the end of an id {@code <anything>-<sequence>}, as the ILK simulator
   * writes its transaction ids ({@code sim-<runId>-<sequence>}) and the baseline its own.
   *
   * @return the sequence, or -1 if the id does not end in {@code -<digits>}
   */
  static long sequenceOf(String id) {
    int dash = id.lastIndexOf('-');
    if (dash < 0 || dash == id.length() - 1) {
      return -1;
    }
    long sequence = 0;
    for (int i = dash + 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < '0' || c > '9' || sequence > Long.MAX_VALUE / 10 - 10) {
        return -1;
      }
      sequence = sequence * 10 + (c - '0');
    }
    return sequence;
  }
}
