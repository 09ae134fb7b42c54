package io.posrelay.it;

import io.posrelay.v1.kafka.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a new ledger (a fresh Kafka Streams application id) starts reading the shared test
 * cluster: by default it would replay every result and claim earlier tests produced. Committing
 * the group's offsets first makes it start "now", as a reset tool would.
 */
final class LedgerHistory {
  private LedgerHistory() {}

  /** The end offsets of {@code posrelay.results} and {@code posrelay.claims} now. */
  static Map<TopicPartition, OffsetAndMetadata> now(KafkaCluster kafka) throws Exception {
    try (Admin admin = kafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<String, TopicDescription> topics =
          admin.describeTopics(List.of(Topics.RESULTS, Topics.CLAIMS)).allTopicNames().get();
      topics.values().forEach(t -> t.partitions().forEach(p ->
          latest.put(new TopicPartition(t.name(), p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) ->
          offsets.put(tp, new OffsetAndMetadata(info.offset())));
      return offsets;
    }
  }

  /** Commits {@code offsets} for the (not running) application {@code applicationId}. */
  static void startFrom(
      KafkaCluster kafka, String applicationId, Map<TopicPartition, OffsetAndMetadata> offsets)
      throws Exception {
    try (Admin admin = kafka.admin()) {
      admin.alterConsumerGroupOffsets(applicationId, offsets).all().get();
    }
  }

  /** Makes the new application {@code applicationId} start at the current end of the topics. */
  static void skip(KafkaCluster kafka, String applicationId) throws Exception {
    startFrom(kafka, applicationId, now(kafka));
  }
}
