package io.posrelay.v1.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The Kafka topics of POS Relay and how they are created. Every topic is keyed by terminal id and
 * has the same partition count, so results and claims of one terminal are co-partitioned.
 */
public final class Topics {
  /** {@code PaymentResult} values, produced by ilk-ingest; read by every relay node. */
  public static final String RESULTS = "posrelay.results";
  /** {@code DeliveryClaim} values, produced by relay nodes; read by admin-api. */
  public static final String CLAIMS = "posrelay.claims";
  /** {@code TerminalSession} values; compacted: the latest session per terminal. */
  public static final String SESSIONS = "posrelay.sessions";
  /**
   * {@code posrelay.admin.v1.DeliveryEvent} values: every transition of the delivery ledger, written
   * exactly once (transactionally) by admin-api; read with {@code isolation.level=read_committed}.
   */
  public static final String DELIVERY_EVENTS = "posrelay.delivery-events";
  /**
   * Receipts to ILK that ILK refused (a 4xx other than 408 and 429) or that outlived their retry
   * age: the receipt's JSON body as value, key terminal id, the reason in headers; produced by
   * ilk-ingest's receipt sender (docs/ilk-receipts.md).
   */
  public static final String RECEIPTS_DLQ = "posrelay.receipts-dlq";

  private Topics() {}

  /** {@link #newTopics(TopicNames, int, short, int)} with the default names. */
  public static List<NewTopic> newTopics(
      int partitions, short replicationFactor, int minInsyncReplicas) {
    return newTopics(TopicNames.DEFAULT, partitions, replicationFactor, minInsyncReplicas);
  }

  /**
   * The topics to create for a cluster.
   *
   * @param names the deployment's topic names
   * @param partitions partitions per topic, >= 1
   * @param replicationFactor 1 for a single local broker; 3 in production
   * @param minInsyncReplicas {@code min.insync.replicas}, <= replicationFactor; 2 in production
   * @throws IllegalArgumentException if a number is out of range
   */
  public static List<NewTopic> newTopics(TopicNames names,
      int partitions, short replicationFactor, int minInsyncReplicas) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication-factor: " + replicationFactor + " (expected: >= 1)");
    }
    if (minInsyncReplicas < 1 || minInsyncReplicas > replicationFactor) {
      throw new IllegalArgumentException(
          "min-insync-replicas: " + minInsyncReplicas + " (expected: 1.." + replicationFactor + ")");
    }
    Map<String, String> common =
        Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
    Map<String, String> compacted =
        Map.of(
            TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas),
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    return List.of(
        new NewTopic(names.results(), partitions, replicationFactor).configs(common),
        new NewTopic(names.claims(), partitions, replicationFactor).configs(common),
        new NewTopic(names.sessions(), partitions, replicationFactor).configs(compacted),
        new NewTopic(names.deliveryEvents(), partitions, replicationFactor).configs(common),
        new NewTopic(names.receiptsDlq(), partitions, replicationFactor).configs(common));
  }
}
