package io.posrelay.testkit.kafka;

import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Waits for a Kafka cluster to answer and creates the POS Relay topics on it. Stateless. */
public final class KafkaTopics {
  private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  /**
   * Waits until an Admin client can describe the cluster.
   *
   * @param bootstrap {@code HOST:PORT[,...]}
   * @param timeout overall bound, > 0
   * @throws TimeoutException if the cluster did not answer within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public static void awaitReady(String bootstrap, Duration timeout)
      throws TimeoutException, InterruptedException {
    awaitReady(bootstrap, Map.of(), timeout);
  }

  /**
   * {@link #awaitReady(String, Duration)} with client settings, e.g. SASL_SSL's.
   *
   * @param security Kafka client properties added to the admin client's ({@code
   *     security.protocol}, {@code sasl.*}, {@code ssl.*}); empty for plaintext
   * @throws org.apache.kafka.common.errors.AuthenticationException if the cluster refuses the
   *     credentials: waiting would not help
   */
  public static void awaitReady(String bootstrap, Map<String, String> security, Duration timeout)
      throws TimeoutException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Admin admin = admin(bootstrap, security, timeout);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException("Kafka at " + bootstrap + " did not answer within "
              + timeout.toSeconds() + " s");
        }
        try {
          admin.describeCluster().nodes().get(Math.min(left, 2_000_000_000L), TimeUnit.NANOSECONDS);
          return;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuthenticationException refused) {
            throw refused;
          }
          log.debug("Kafka at {} not ready yet: {}", bootstrap, e.getMessage());
        } catch (TimeoutException e) {
          log.debug("Kafka at {} not ready yet: {}", bootstrap, e.getMessage());
        }
      }
    } finally {
      // Unanswered describe calls would hold a plain close() until their own timeout (the whole
      // bound again): a dead address took twice the bound to report. Drop them.
      admin.close(Duration.ZERO);
    }
  }

  /**
   * Creates {@link Topics#newTopics} with replication factor 1 and {@code min.insync.replicas} 1;
   * topics that exist already are left as they are.
   *
   * @param bootstrap {@code HOST:PORT[,...]}
   * @param partitions partitions per topic, >= 1
   * @param timeout bound for the whole operation, > 0
   * @throws ExecutionException if creating a topic fails for another reason than that it exists
   * @throws TimeoutException if the broker did not answer within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public static void create(String bootstrap, int partitions, Duration timeout)
      throws ExecutionException, TimeoutException, InterruptedException {
    create(bootstrap, Map.of(), partitions, timeout);
  }

  /**
   * {@link #create(String, int, Duration)} with client settings, e.g. SASL_SSL's.
   *
   * @param security Kafka client properties added to the admin client's; empty for plaintext
   */
  public static void create(String bootstrap, Map<String, String> security, int partitions,
      Duration timeout) throws ExecutionException, TimeoutException, InterruptedException {
    try (Admin admin = admin(bootstrap, security, timeout)) {
      Map<String, KafkaFuture<Void>> results =
          admin.createTopics(Topics.newTopics(partitions, (short) 1, 1)).values();
      for (Map.Entry<String, KafkaFuture<Void>> entry : results.entrySet()) {
        try {
          entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          log.info("created topic {} ({} partitions)", entry.getKey(), partitions);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          log.info("topic {} exists already", entry.getKey());
        }
      }
    }
  }

  /** The topic names, for messages. */
  public static String names() {
    return String.join(
        ",", Topics.newTopics(1, (short) 1, 1).stream().map(NewTopic::name).toList());
  }

  private static Admin admin(String bootstrap, Map<String, String> security, Duration timeout) {
    int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Map<String, Object> props = new HashMap<>(security);
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(timeoutMillis, 5_000));
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMillis);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    return Admin.create(props);
  }
}
