package io.posrelay.runtime.kafka;

import io.posrelay.runtime.config.KafkaClientRole;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The check every service makes before it starts anything else: its topics exist and, where the
 * ledger joins two topics per partition, they have the same number of partitions. It is also the
 * service's first call to Kafka, so an unreachable cluster or refused credentials show here, once,
 * within the deadline. Stateless.
 */
public final class TopicCheck {
  /** The admin client of the check; its pass-through is {@code kafka.admin.*}. */
  public static final KafkaClientRole ROLE =
      KafkaClientRole.of(KafkaClientRole.Kind.ADMIN, "topic check")
          .derivedFrom(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name());
  /**
   * What the check's client id ends with ({@code posrelay-relay-1-topic-check}): the launcher
   * reports the check's failures itself, so Kafka's own lines about this client are not logged
   * again ({@link io.posrelay.runtime.log.TopicCheckLogFilter}).
   */
  public static final String CLIENT_ID_SUFFIX = "-topic-check";
  /** How long the check may take: Kafka must answer within it. */
  public static final Duration DEADLINE = Duration.ofSeconds(30);

  private TopicCheck() {}

  /**
   * Checks that {@code topics} exist and that each pair in {@code samePartitions} has as many
   * partitions on one side as on the other.
   *
   * @param adminProperties the admin client's properties ({@link ROLE})
   * @param samePartitions pairs of topic names (each also in {@code topics}) that must have equal
   *     partition counts
   * @throws IllegalStateException naming the missing topic, or the pair and both counts
   * @throws KafkaException if Kafka refuses the client (e.g. {@code SaslAuthenticationException})
   * @throws TimeoutException if Kafka does not answer within {@link #DEADLINE}
   * @throws InterruptedException if interrupted while waiting
   */
  public static void require(Map<String, Object> adminProperties, List<String> topics,
      List<List<String>> samePartitions)
      throws TimeoutException, InterruptedException {
    Map<String, Object> props = new HashMap<>(adminProperties);
    Object clientId = props.getOrDefault(AdminClientConfig.CLIENT_ID_CONFIG, "posrelay");
    if (!clientId.toString().endsWith(CLIENT_ID_SUFFIX)) {
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + CLIENT_ID_SUFFIX);
    }
    Admin admin = Admin.create(props);
    try {
      Map<String, TopicDescription> found;
      try {
        found = admin.describeTopics(topics).allTopicNames()
            .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          throw new IllegalStateException(missing(admin, topics), e.getCause());
        }
        if (e.getCause() instanceof KafkaException kafka) {
          throw kafka;
        }
        throw new IllegalStateException("describing topics " + topics + " failed", e.getCause());
      } catch (TimeoutException e) {
        throw new TimeoutException("Kafka at " + adminProperties.get(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " did not describe the topics " + topics
            + " within " + DEADLINE.toSeconds() + " s (is it up, and are kafka.security.protocol"
            + " and the listener right?)");
      }
      for (List<String> pair : samePartitions) {
        int left = found.get(pair.get(0)).partitions().size();
        int right = found.get(pair.get(1)).partitions().size();
        if (left != right) {
          throw new IllegalStateException("topic " + pair.get(1) + " has " + right
              + " partitions but " + pair.get(0) + " has " + left + " (expected: equal: the"
              + " ledger joins them partition by partition)");
        }
      }
    } finally {
      admin.close(Duration.ZERO); // do not wait for calls Kafka never answered
    }
  }

  private static String missing(Admin admin, List<String> topics) throws InterruptedException {
    List<String> absent = new ArrayList<>(topics);
    try {
      absent.removeAll(admin.listTopics().names().get(5, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      // keep the whole list: which ones are missing is a nicety
    }
    return "topic(s) " + absent + " do not exist (expected: created with 'bin/relayctl topics"
        + " create', or the topic.* keys naming existing topics)";
  }
}
