package io.posrelay.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's terminal ids: {@code BENCH0001}, {@code BENCH0002} … — the names the ILK
 * simulator gives the terminals of a prefix (relayctl's {@code SimTerminals}, two lines repeated
 * here rather than widened to public). A prefix of its own keeps a benchmark against a shared
 * Kafka ({@code --kafka}) from taking over the sessions of terminals named as the simulators'
 * defaults ({@code T0001} …).
 */
final class BenchTerminals {
  /** The terminal id prefix, also given to the ILK simulator. */
  static final String PREFIX = "BENCH";

  private BenchTerminals() {}

  /** The id of terminal {@code index}, 1-based. */
  static String id(int index) {
    return String.format("%s%04d", PREFIX, index);
  }

  /** Ids of terminals 1..count. */
  static List<String> ids(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      ids.add(id(i));
    }
    return ids;
  }
}
