package io.posrelay.it;

import io.posrelay.v1.kafka.Topics;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real in-process KRaft cluster ({@link KafkaClusterTestKit}) with the POS Relay topics created.
 * Brokers listen on 127.0.0.1 at random ports.
 */
final class KafkaCluster implements AutoCloseable {
  /** Partitions per topic: more than one, so per-partition ordering and broadcast are exercised. */
  static final int PARTITIONS = 3;

  private final KafkaClusterTestKit kit;

  private KafkaCluster(KafkaClusterTestKit kit) {
    this.kit = kit;
  }

  /**
   * Formats and starts a cluster of {@code brokers} combined broker+controller nodes and creates
   * the topics with replication factor {@code min(brokers, 3)}.
   */
  static KafkaCluster start(int brokers) throws Exception {
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(brokers)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", Integer.toString(Math.min(brokers, 3)))
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    kit.format();
    kit.startup();
    kit.waitForReadyBrokers();
    KafkaCluster cluster = new KafkaCluster(kit);
    short replication = (short) Math.min(brokers, 3);
    cluster.createTopics(replication, Math.min(replication, 2));
    return cluster;
  }

  String bootstrapServers() {
    return kit.bootstrapServers();
  }

  KafkaClusterTestKit kit() {
    return kit;
  }

  Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private void createTopics(short replication, int minIsr) throws Exception {
    try (Admin admin = admin()) {
      try {
        admin.createTopics(Topics.newTopics(PARTITIONS, replication, minIsr)).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      Set<String> names = admin.listTopics().names().get();
      if (!names.containsAll(Set.of(Topics.RESULTS, Topics.CLAIMS, Topics.SESSIONS))) {
        throw new IllegalStateException("topics not created: " + names);
      }
    }
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
