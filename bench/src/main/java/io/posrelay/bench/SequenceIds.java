package io.posrelay.bench;

/**
 * The sequence number in a benchmark message's id: the simulated ILK writes its transaction ids
 * as {@code sim-<runId>-<sequence>}, the baseline its own as {@code base-<runId>-<sequence>}, so
 * a message's due time follows from its id and the phase's {@link
 * io.posrelay.testkit.ilk.SendSchedule}.
 */
final class SequenceIds {
  private SequenceIds() {}

  /**
   * The sequence number at the end of an id {@code <anything>-<sequence>}.
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
