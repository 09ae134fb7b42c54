package io.posrelay.admin;

import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates {@code posrelay.delivery-events} on a cluster whose topics predate it, with as many
 * partitions as {@code posrelay.results} (so it stays keyed and partitioned like the others).
 */
final class DeliveryEventsTopic {
  private DeliveryEventsTopic() {}

  static void ensureExists(String bootstrap, short replicationFactor, Duration timeout) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!names.contains(Topics.RESULTS) || !names.contains(Topics.CLAIMS)) {
        throw new IllegalStateException(
            "kafka.bootstrap: topics " + Topics.RESULTS + " and " + Topics.CLAIMS
                + " must exist (expected: created with Topics.newTopics, as relayctl does)");
      }
      if (names.contains(Topics.DELIVERY_EVENTS)) {
        return;
      }
      TopicDescription results =
          admin.describeTopics(List.of(Topics.RESULTS)).allTopicNames()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(Topics.RESULTS);
      try {
        admin.createTopics(List.of(new NewTopic(
                Topics.DELIVERY_EVENTS, results.partitions().size(), replicationFactor)))
            .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaException("kafka.bootstrap: cannot reach Kafka at " + bootstrap, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while checking topics", e);
    }
  }
}
