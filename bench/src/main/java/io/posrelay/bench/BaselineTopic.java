package io.posrelay.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The baseline's own topic: created with the partition count, replication factor and every
 * topic-level setting of a model topic ({@code posrelay.results}), so that the baseline's hop is
 * the results' hop; deleted again by {@link #close()}. Immutable; used by the thread that runs
 * the baseline.
 */
final class BaselineTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BaselineTopic.class);

  private final Admin admin;
  private final String name;
  private final Duration timeout;
  private final int partitions;

  private BaselineTopic(Admin admin, String name, Duration timeout, int partitions) {
    this.admin = admin;
    this.name = name;
    this.timeout = timeout;
    this.partitions = partitions;
  }

  /**
   * Creates topic {@code name} like {@code model}.
   *
   * @param bootstrap Kafka bootstrap servers
   * @param timeout bound of each admin call, > 0
   * @throws ExecutionException if the model cannot be described or the topic not created
   * @throws TimeoutException if Kafka does not answer within {@code timeout}
   * @throws InterruptedException if interrupted
   */
  static BaselineTopic createLike(String bootstrap, String model, String name, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "posrelay-bench-admin"));
    try {
      TopicDescription description = admin.describeTopics(List.of(model)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(model);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, model);
      Config config = admin.describeConfigs(List.of(resource)).all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
      Map<String, String> overrides = config.entries().stream()
          .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG)
          .collect(Collectors.toMap(ConfigEntry::name, ConfigEntry::value));
      int partitions = description.partitions().size();
      short replicas = (short) description.partitions().get(0).replicas().size();
      admin.createTopics(List.of(new NewTopic(name, partitions, replicas).configs(overrides)))
          .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("created baseline topic {} like {}: {} partitions, replication factor {}, {}",
          name, model, partitions, replicas, overrides);
      return new BaselineTopic(admin, name, timeout, partitions);
    } catch (ExecutionException | TimeoutException | InterruptedException | RuntimeException e) {
      admin.close(timeout);
      throw e;
    }
  }

  /**
   * The partition count of {@code topic}.
   *
   * @throws ExecutionException if the topic cannot be described (e.g. it does not exist)
   * @throws TimeoutException if Kafka does not answer within {@code timeout}
   * @throws InterruptedException if interrupted
   */
  static int partitionsOf(String bootstrap, String topic, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "posrelay-bench-admin"))) {
      return admin.describeTopics(List.of(topic)).allTopicNames()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
    }
  }

  /** The topic's name. */
  String name() {
    return name;
  }

  /** Its partition count, as the model's. */
  int partitions() {
    return partitions;
  }

  /** Deletes the topic (a failure is logged) and closes the admin client. */
  @Override
  public void close() {
    try {
      admin.deleteTopics(List.of(name)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not delete baseline topic {}: {}", name, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      admin.close(timeout);
    }
  }
}
