package io.posrelay.ingest;

import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;
import static io.posrelay.runtime.kafka.KafkaKeys.RESULTS_TOPIC;

import io.posrelay.ingest.kafka.KafkaContact;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.v1.PaymentResult;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;

/**
 * Where {@link IlkIngestServer} gets its Kafka-facing parts: {@link #KAFKA} in production; tests
 * without a broker substitute fakes. Each method creates one client from the configuration.
 */
interface IngestKafka {
  /** The real ones: {@link TopicCheck} with an admin client, and a {@code KafkaProducer}. */
  IngestKafka KAFKA = new IngestKafka() {
    @Override
    public void checkTopics(ServiceConfig config) throws Exception {
      TopicCheck.require(config.kafka().properties(TopicCheck.ROLE, Map.of(
              CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS))),
          List.of(config.get(RESULTS_TOPIC)), List.of());
    }

    @Override
    public Producer<String, PaymentResult> resultsProducer(ServiceConfig config) {
      return PaymentResultPublisher.createProducer(IngestKeys.resultsProducerProperties(config));
    }

    @Override
    public KafkaContact.Probe kafkaProbe(ServiceConfig config) {
      return KafkaContact.describing(Admin.create(config.kafka().properties(TopicCheck.ROLE,
              Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS),
                  CommonClientConfigs.CLIENT_ID_CONFIG, "posrelay-ilk-ingest-ready-probe"))),
          config.get(RESULTS_TOPIC));
    }
  };

  /**
   * Checks that the topics the server writes exist.
   *
   * @throws Exception naming the missing topic, or why Kafka did not answer
   */
  void checkTopics(ServiceConfig config) throws Exception;

  /** The producer of results, configured as {@link IngestKeys#RESULTS_PRODUCER}. */
  Producer<String, PaymentResult> resultsProducer(ServiceConfig config);

  /** The readiness probe of Kafka ({@link KafkaContact}); closed with the server. */
  KafkaContact.Probe kafkaProbe(ServiceConfig config);
}
