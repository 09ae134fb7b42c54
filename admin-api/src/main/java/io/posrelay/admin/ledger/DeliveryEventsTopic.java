package io.posrelay.admin.ledger;

import io.posrelay.v1.kafka.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the ledger's output topic, the delivery-events topic ({@code topic.delivery-events}),
 * when it is missing: on a cluster whose topics predate it, or under a name of the deployment's
 * own. It gets as many partitions as the results topic, so it stays keyed and partitioned like the
 * ledger's inputs. The other topics are never created here: a missing input is an operator's
 * mistake, which the start-up topic check reports. Stateless.
 */
public final class DeliveryEventsTopic {
  private DeliveryEventsTopic() {}

  /**
   * Creates {@code topics.deliveryEvents()} unless it exists; another instance creating it at the
   * same time is fine.
   *
   * @param adminProperties the admin client's properties
   * @param topics the deployment's topic names; {@code topics.results()} must exist
   * @param replicationFactor of the topic if it is created, 1..32
   * @param timeout how long each call to Kafka may take
   * @throws KafkaException if Kafka refuses a call (e.g. not authorised to create topics), with
   *     the topic's name in the message
   * @throws TimeoutException if Kafka does not answer within {@code timeout}
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  public static void createIfMissing(Map<String, Object> adminProperties, TopicNames topics,
      short replicationFactor, Duration timeout) throws TimeoutException, InterruptedException {
    String name = topics.deliveryEvents();
    Admin admin = Admin.create(adminProperties);
    try {
      Set<String> names = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (names.contains(name)) {
        return;
      }
      TopicDescription results = admin.describeTopics(List.of(topics.results())).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topics.results());
      try {
        admin.createTopics(List.of(
                new NewTopic(name, results.partitions().size(), replicationFactor)))
            .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException e) {
      throw new KafkaException("cannot create topic " + name + " (topic.delivery-events) like "
          + topics.results() + ": " + e.getCause(), e.getCause());
    } finally {
      admin.close(Duration.ZERO); // do not wait for calls Kafka never answered
    }
  }
}
