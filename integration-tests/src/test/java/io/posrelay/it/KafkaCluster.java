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
   * Formats and starts a cluster of {@code brokers} brokers (one combined broker+controller node,
   * or several brokers and one dedicated controller) and creates the topics with replication
   * factor {@code min(brokers, 3)}.
   */
  static KafkaCluster start(int brokers) throws Exception {
    // Several brokers run beside one dedicated controller: with several combined
    // broker+controller nodes, this Kafka version's test kit loses its KRaft quorum at start (the
    // voters' raft IO threads die with "Received unexpected invalid request error").
    boolean combined = brokers == 1;
    TestKitNodes.Builder nodes = new TestKitNodes.Builder()
        .setCombined(combined)
        .setNumBrokerNodes(brokers)
        .setNumControllerNodes(1);
    KafkaClusterTestKit kit =
        new KafkaClusterTestKit.Builder(nodes.build())
            .setConfigProp("offsets.topic.replication.factor", Integer.toString(Math.min(brokers, 3)))
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            // exactly-once (admin-api's ledger) needs a transaction log the cluster can host
            .setConfigProp(
                "transaction.state.log.replication.factor", Integer.toString(Math.min(brokers, 3)))
            .setConfigProp("transaction.state.log.min.isr", Integer.toString(Math.min(brokers, 2)))
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
      // With several brokers, the one asked may learn of new topics a moment after creation.
      Set<String> expected =
          Set.of(Topics.RESULTS, Topics.CLAIMS, Topics.SESSIONS, Topics.DELIVERY_EVENTS);
      try {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
            .until(() -> admin.listTopics().names().get().containsAll(expected));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new IllegalStateException(
            "topics not created: " + admin.listTopics().names().get(), e);
      }
    }
  }

  @Override
  public void close() throws Exception {
    kit.close();
  }
}
