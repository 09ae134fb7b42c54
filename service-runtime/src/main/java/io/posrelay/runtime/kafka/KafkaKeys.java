package io.posrelay.runtime.kafka;

import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.v1.kafka.TopicNames;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;
import java.util.List;

/**
 * The keys every service shares because they describe one deployment, not one service: where Kafka
 * is, the topic names, and the delivery deadlines relay nodes and the ledger must agree on. A
 * shared config file can set them once for every service.
 */
public final class KafkaKeys {
  private static final String TOPIC = "[a-zA-Z0-9._-]{1,249}";

  /** Kafka's {@code bootstrap.servers}, also as {@code --kafka}. */
  public static final ConfigKey<String> BOOTSTRAP_SERVERS = ConfigKey.string(
          "kafka.bootstrap.servers", "127.0.0.1:9092", Checks.hostAndPorts(),
          "Kafka bootstrap servers; IPv6 hosts in brackets ([::1]:9092).")
      .withFlagAlias("--kafka")
      .withValueLabel("HOST:PORT[,HOST:PORT...]");

  /** The results topic. */
  public static final ConfigKey<String> RESULTS_TOPIC = ConfigKey.string("topic.results",
      Topics.RESULTS, Checks.matches(TOPIC),
      "PaymentResult events: written by ilk-ingest, read by every relay node and the ledger.");
  /** The claims topic. */
  public static final ConfigKey<String> CLAIMS_TOPIC = ConfigKey.string("topic.claims",
      Topics.CLAIMS, Checks.matches(TOPIC),
      "DeliveryClaim events: written by relay nodes, read by the ledger; as many partitions as"
          + " topic.results.");
  /** The sessions topic. */
  public static final ConfigKey<String> SESSIONS_TOPIC = ConfigKey.string("topic.sessions",
      Topics.SESSIONS, Checks.matches(TOPIC),
      "TerminalSession events (compacted): which node holds which terminal; drives takeover.");
  /** The delivery-events topic. */
  public static final ConfigKey<String> DELIVERY_EVENTS_TOPIC = ConfigKey.string(
      "topic.delivery-events", Topics.DELIVERY_EVENTS, Checks.matches(TOPIC),
      "DeliveryEvent transitions of the ledger: written by admin-api, read by relay nodes and"
          + " by ilk-ingest's receipt sender.");
  /** The dead-letter topic of receipts to ILK. */
  public static final ConfigKey<String> RECEIPTS_DLQ_TOPIC = ConfigKey.string(
      "topic.receipts-dlq", Topics.RECEIPTS_DLQ, Checks.matches(TOPIC),
      "Receipts to ILK that ILK refused or that outlived ilk.receipt-max-age.ms, with the reason"
          + " in headers: written by ilk-ingest (docs/ilk-receipts.md).");

  /** The ledger's claim deadline. */
  public static final ConfigKey<Duration> CLAIM_DEADLINE = ConfigKey.millis("claim-deadline.ms",
      Duration.ofSeconds(3), Checks.atLeast(1),
      "How long a result may stay unclaimed before the ledger fails it (UNCLAIMED); relay nodes"
          + " recover a PENDING result on Hello only once it is older. Same on every service.");
  /** The relay nodes' ack timeout. */
  public static final ConfigKey<Duration> ACK_TIMEOUT = ConfigKey.millis("ack-timeout.ms",
      Duration.ofSeconds(5), Checks.atLeast(1),
      "How long a terminal has to ack a written result before the delivery fails (ACK_TIMEOUT);"
          + " the ledger fails a DELIVERING result after this plus the claim deadline. Same on"
          + " every service.");

  /** Kafka's address and the five topic names, which every service takes. */
  public static final List<ConfigKey<?>> DEPLOYMENT = List.of(BOOTSTRAP_SERVERS, RESULTS_TOPIC,
      CLAIMS_TOPIC, SESSIONS_TOPIC, DELIVERY_EVENTS_TOPIC, RECEIPTS_DLQ_TOPIC);

  private KafkaKeys() {}

  /** The topic names of {@code config}. */
  public static TopicNames topics(ServiceConfig config) {
    return new TopicNames(config.get(RESULTS_TOPIC), config.get(CLAIMS_TOPIC),
        config.get(SESSIONS_TOPIC), config.get(DELIVERY_EVENTS_TOPIC),
        config.get(RECEIPTS_DLQ_TOPIC));
  }
}
