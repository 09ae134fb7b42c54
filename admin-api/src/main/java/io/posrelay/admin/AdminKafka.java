package io.posrelay.admin;

import static io.posrelay.admin.AdminKeys.REPLICATION_FACTOR;
import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;

import io.posrelay.admin.events.DeliveryEventsFeed;
import io.posrelay.admin.ledger.DeliveryEventsTopic;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.runtime.config.KafkaClientRole;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka clients admin-api starts besides the ledger, as {@link AdminServer} wires them from
 * its config: the topic check, the retry producer and the delivery-events feed. Each client has
 * the properties of its role in {@link AdminKeys} and the client id {@code <application-id>-…}.
 * Used by the thread that starts the server.
 */
final class AdminKafka {
  private static final Duration KAFKA_START_TIMEOUT = Duration.ofSeconds(30);

  private final ServiceConfig config;
  private final TopicNames topics;

  AdminKafka(ServiceConfig config) {
    this.config = config;
    this.topics = KafkaKeys.topics(config);
  }

  /** The topics admin-api reads and writes. */
  TopicNames topics() {
    return topics;
  }

  /**
   * Checks the ledger's topics: results and claims must exist, with equal partition counts (the
   * ledger joins them partition by partition); delivery-events, the ledger's own output, is
   * created if missing.
   *
   * @throws IllegalStateException if the results or claims topic is missing or their partition
   *     counts differ
   * @throws TimeoutException if Kafka does not answer within 30 s
   * @throws InterruptedException if interrupted while waiting for Kafka
   */
  void checkTopics() throws TimeoutException, InterruptedException {
    TopicCheck.require(properties(TopicCheck.ROLE, "topic-check"),
        List.of(topics.results(), topics.claims()),
        List.of(List.of(topics.results(), topics.claims())));
    DeliveryEventsTopic.createIfMissing(
        properties(AdminKeys.DELIVERY_EVENTS_TOPIC_CREATOR, "topic-creator"), topics,
        config.get(REPLICATION_FACTOR).shortValue(), KAFKA_START_TIMEOUT);
  }

  /** The retry producer, writing to the results topic; the caller warms it up and closes it. */
  ResultRepublisher retryProducer() {
    return new ResultRepublisher(
        new KafkaProducer<>(properties(AdminKeys.RETRY_PRODUCER, "retry"), new StringSerializer(),
            EventSerdes.paymentResult().serializer()),
        topics.results());
  }

  /**
   * Starts the delivery-events feed (read_committed: each committed transition once).
   *
   * @param onEvent gets every event, on the feed's thread
   */
  DeliveryEventsFeed feed(Consumer<DeliveryEvent> onEvent) {
    return DeliveryEventsFeed.start(properties(AdminKeys.DELIVERY_EVENTS_FEED, "events-feed"),
        topics.deliveryEvents(), onEvent, KAFKA_START_TIMEOUT);
  }

  /** The properties of the client of {@code role}, with client id {@code <application-id>-…}. */
  private Map<String, Object> properties(KafkaClientRole role, String clientSuffix) {
    return config.kafka().properties(role, Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS),
        CommonClientConfigs.CLIENT_ID_CONFIG,
        config.get(AdminKeys.APPLICATION_ID) + "-" + clientSuffix));
  }
}
