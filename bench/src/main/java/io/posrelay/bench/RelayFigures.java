package io.posrelay.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the relay phase wrote and sent besides its latencies: the records each topic received in
 * the measured window per result delivered in it, and the receipts the simulated ILK got.
 *
 * @param topicRecords records written to each topic in the measured window ({@link
 *     TopicWrites}), by name; empty if they could not be counted
 * @param windowDelivered results delivered in the measured window, the divisor
 * @param finalReceipts distinct final receipts (DELIVERED, REVERSAL_REQUIRED) the simulated ILK
 *     received by the end of the drain; -1 when receipts were off
 * @param idleNodes relay nodes that held no terminal ({@code relay-3} …)
 */
record RelayFigures(Map<String, Long> topicRecords, long windowDelivered, long finalReceipts,
    List<String> idleNodes) {
  /** The suffix of a Kafka Streams store's changelog topic. */
  static final String CHANGELOG = "-changelog";

  RelayFigures {
    topicRecords = java.util.Collections.unmodifiableMap(new TreeMap<>(topicRecords));
    idleNodes = List.copyOf(idleNodes);
  }

  /** Records per delivered result by topic; empty without counts or deliveries. */
  Map<String, Double> perResult() {
    Map<String, Double> per = new TreeMap<>();
    if (windowDelivered > 0) {
      topicRecords.forEach((topic, n) -> per.put(topic, n / (double) windowDelivered));
    }
    return per;
  }

  /** The ledger's changelog records per delivered result, all stores together; NaN if unknown. */
  double changelogPerResult() {
    Map<String, Double> per = perResult();
    if (per.isEmpty()) {
      return Double.NaN;
    }
    return per.entrySet().stream().filter(e -> e.getKey().endsWith(CHANGELOG))
        .mapToDouble(Map.Entry::getValue).sum();
  }

  /** The lines under the table. */
  void describe(StringBuilder text, CpuUsage cpu, long delivered) {
    for (String node : idleNodes) {
      Double ms = cpu.millisPerMessage().get(node);
      if (ms != null) {
        double jit = cpu.jitMillisPerMessage().getOrDefault(node, 0.0);
        text.append(String.format(Locale.ROOT, "%s held no terminal: %.4f ms of CPU per result"
            + " it did not hold (the broadcast's cost to a node), %.4f without its JIT compiler"
            + " threads%n", node, ms, ms - jit));
      }
    }
    Map<String, Double> per = perResult();
    if (!per.isEmpty()) {
      StringBuilder topics = new StringBuilder();
      StringBuilder stores = new StringBuilder();
      per.forEach((topic, n) -> {
        if (topic.endsWith(CHANGELOG)) {
          stores.append(String.format(Locale.ROOT, "%s %.2f  ", storeOf(topic), n));
        } else if (n > 0) {
          topics.append(String.format(Locale.ROOT, "%s %.2f  ", topic, n));
        }
      });
      text.append(String.format(Locale.ROOT, "records written per delivered result: %s%n",
          topics.toString().trim()));
      text.append(String.format(Locale.ROOT, "ledger changelog records per delivered result:"
          + " %.2f (%s)%n", changelogPerResult(), stores.toString().trim()));
    }
    if (finalReceipts >= 0) {
      text.append(String.format(Locale.ROOT, "receipts: %d final receipts at the simulated ILK"
          + " for %d delivered results%n", finalReceipts, delivered));
    }
  }

  /**
   * Adds {@code records_per_result: {topic: n}}, {@code changelog_records_per_result}, {@code
   * final_receipts} (null when off) and {@code idle_nodes}.
   */
  void writeTo(ObjectNode json) {
    ObjectNode per = json.putObject("records_per_result");
    perResult().forEach((topic, n) -> per.put(topic, Math.round(n * 1000) / 1000.0));
    double changelog = changelogPerResult();
    if (Double.isNaN(changelog)) {
      json.putNull("changelog_records_per_result");
    } else {
      json.put("changelog_records_per_result", Math.round(changelog * 1000) / 1000.0);
    }
    if (finalReceipts < 0) {
      json.putNull("final_receipts");
    } else {
      json.put("final_receipts", finalReceipts);
    }
    idleNodes.forEach(json.putArray("idle_nodes")::add);
  }

  /** {@code ledger-records} of {@code posrelay-bench-admin-ledger-records-changelog}. */
  private static String storeOf(String changelog) {
    String name = changelog.substring(0, changelog.length() - CHANGELOG.length());
    int at = name.indexOf("ledger-");
    return at >= 0 ? name.substring(at) : name;
  }
}
