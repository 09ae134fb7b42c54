package io.posrelay.relayctl.topics;

import io.posrelay.v1.kafka.TopicNames;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jspecify.annotations.Nullable;

/**
 * Creates POS Relay's topics and checks existing ones against what the services rely on: every
 * topic there, {@code results} and {@code claims} with equal partition counts (the ledger joins
 * them partition by partition), every topic with the same partition count (keyed by terminal
 * id), {@code sessions} compacted, and the replication factor and {@code min.insync.replicas}
 * asked for. Stateless; each call opens and closes its own admin client.
 */
final class TopicAudit {
  /** What one topic is. */
  record Found(String name, int partitions, int replicationFactor, int minInsyncReplicas,
      String cleanupPolicy) {}

  private final Map<String, Object> adminProperties;
  private final TopicNames names;
  private final Duration timeout;

  /**
   * @param adminProperties the admin client's properties (bootstrap servers and security)
   * @param names the deployment's topic names
   * @param timeout bound of each call to Kafka
   */
  TopicAudit(Map<String, Object> adminProperties, TopicNames names, Duration timeout) {
    this.adminProperties = adminProperties;
    this.names = names;
    this.timeout = timeout;
  }

  /**
   * Creates the topics that do not exist; leaves the others as they are.
   *
   * @return one line per topic: created, or already there
   * @throws KafkaException if Kafka refuses the request (e.g. a replication factor above the
   *     number of brokers), with Kafka's reason
   */
  List<String> create(int partitions, short replicationFactor, int minInsyncReplicas)
      throws InterruptedException, TimeoutException {
    List<String> lines = new ArrayList<>();
    try (Admin admin = Admin.create(adminProperties)) {
      for (NewTopic topic : Topics.newTopics(names, partitions, replicationFactor,
          minInsyncReplicas)) {
        try {
          try {
            admin.createTopics(List.of(topic)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException e) {
            throw noAnswer("the creation of " + topic.name());
          }
          lines.add("created " + topic.name() + " (" + partitions + " partitions, replication "
              + replicationFactor + ", min.insync.replicas " + minInsyncReplicas + ")");
        } catch (ExecutionException e) {
          if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
            throw noAnswer("the creation of " + topic.name());
          }
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new KafkaException("creating " + topic.name() + " failed: "
                + e.getCause().getMessage(), e.getCause());
          }
          lines.add("exists  " + topic.name() + " (left as it is)");
        }
      }
      awaitListed(admin);
    }
    return lines;
  }

  /** Waits (within the timeout) until the broker asked lists every topic: creation propagates. */
  private void awaitListed(Admin admin) throws InterruptedException, TimeoutException {
    List<String> all = List.of(names.results(), names.claims(), names.sessions(),
        names.deliveryEvents());
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .containsAll(all)) {
          return;
        }
      } catch (ExecutionException e) {
        throw new KafkaException("listing the topics failed: " + e.getCause().getMessage(),
            e.getCause());
      }
      if (System.nanoTime() - deadline > 0) {
        return; // describe() then reports what is still missing
      }
      TimeUnit.MILLISECONDS.sleep(100); // a poll interval, not a synchronisation
    }
  }

  /**
   * A {@link TimeoutException} that says what usually causes it: Kafka is down, or the client's
   * security settings do not match the listener (a plaintext client against SASL_SSL waits).
   */
  TimeoutException noAnswer(String what) {
    return new TimeoutException("Kafka at " + adminProperties.get("bootstrap.servers")
        + " did not answer " + what + " within " + timeout.toSeconds() + " s (is it up, and do"
        + " kafka.security.protocol and the other kafka.* settings of --config match its"
        + " listener?)");
  }

  /** Describes every topic that exists; missing ones are left out. */
  List<Found> describe() throws InterruptedException, TimeoutException {
    List<String> all = List.of(names.results(), names.claims(), names.sessions(),
        names.deliveryEvents());
    try (Admin admin = Admin.create(adminProperties)) {
      Set<String> existing;
      try {
        existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw noAnswer("a topic listing");
      }
      List<String> present = all.stream().filter(existing::contains).toList();
      Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<ConfigResource> resources = present.stream()
          .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<Found> found = new ArrayList<>();
      for (String topic : present) {
        TopicDescription d = descriptions.get(topic);
        Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
        found.add(new Found(topic, d.partitions().size(),
            d.partitions().get(0).replicas().size(),
            Integer.parseInt(c.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()),
            c.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
      }
      return found;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw noAnswer("a description of the topics");
      }
      throw new KafkaException("describing the topics failed: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw noAnswer("a description of the topics");
    }
  }

  /**
   * What is wrong with the topics, one line each; empty when they are as the services need.
   *
   * @param replicationFactor the replication factor expected
   * @param minInsyncReplicas the {@code min.insync.replicas} expected
   */
  List<String> problems(List<Found> found, int replicationFactor, int minInsyncReplicas) {
    List<String> problems = new ArrayList<>();
    for (String topic : List.of(names.results(), names.claims(), names.sessions(),
        names.deliveryEvents())) {
      if (found.stream().noneMatch(f -> f.name().equals(topic))) {
        problems.add(topic + ": does not exist (relayctl topics create makes it)");
      }
    }
    Found results = find(found, names.results());
    for (Found f : found) {
      if (results != null && f.partitions() != results.partitions()) {
        problems.add(f.name() + ": " + f.partitions() + " partitions but " + names.results()
            + " has " + results.partitions() + (f.name().equals(names.claims())
            ? " (the ledger joins them partition by partition: they must be equal)"
            : " (every topic is keyed by terminal id with the same partition count)"));
      }
      if (f.replicationFactor() < replicationFactor) {
        problems.add(f.name() + ": replication factor " + f.replicationFactor() + " (expected: "
            + replicationFactor + ")");
      }
      if (f.minInsyncReplicas() < minInsyncReplicas) {
        problems.add(f.name() + ": min.insync.replicas " + f.minInsyncReplicas() + " (expected: "
            + minInsyncReplicas + ")");
      }
      boolean compacted = f.cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
      if (f.name().equals(names.sessions()) && !compacted) {
        problems.add(f.name() + ": cleanup.policy " + f.cleanupPolicy()
            + " (expected: compact: the latest session of each terminal)");
      }
    }
    return problems;
  }

  private static @Nullable Found find(List<Found> found, String name) {
    return found.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
  }
}
