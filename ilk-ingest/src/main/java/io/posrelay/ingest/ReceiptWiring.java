package io.posrelay.ingest;

import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_BACKOFF_INITIAL;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_BACKOFF_MAX;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_MAX_AGE;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_SECRETS;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_SECRET_FILE;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_TIMEOUT;
import static io.posrelay.ingest.IngestKeys.ILK_RECEIPT_URL;
import static io.posrelay.ingest.IngestKeys.SHUTDOWN_TIMEOUT;
import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;
import static io.posrelay.runtime.kafka.KafkaKeys.DELIVERY_EVENTS_TOPIC;
import static io.posrelay.runtime.kafka.KafkaKeys.RECEIPTS_DLQ_TOPIC;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.ingest.metrics.ReceiptMeters;
import io.posrelay.ingest.receipt.NettyReceiptPoster;
import io.posrelay.ingest.receipt.ReceiptSender;
import io.posrelay.ingest.receipt.RetryPolicy;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.runtime.management.Health;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.v1.kafka.EventSerdes;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and starts ilk-ingest's receipt sender from its keys ({@code ilk.receipt-*}), when
 * {@code ilk.receipt-url} is set: checks the delivery-events and dead-letter topics exist, creates
 * the consumer ({@link IngestKeys#RECEIPTS_CONSUMER}), the dead-letter producer and the poster,
 * registers the meters and the readiness component {@code receipt-sender}. Stateless.
 */
final class ReceiptWiring {
  private static final Logger log = LoggerFactory.getLogger(ReceiptWiring.class);

  private ReceiptWiring() {}

  /**
   * @return the running sender, or null when receipts are off
   * @throws Exception from the topic check (a missing topic, Kafka not answering)
   */
  static @Nullable ReceiptSender start(ServiceConfig config, MeterRegistry registry,
      Health health) throws Exception {
    ReceiptMeters meters = new ReceiptMeters(registry);
    if (!IngestKeys.receiptsEnabled(config)) {
      meters.gauges(registry, () -> 0, () -> 0); // served (at 0) for dashboards and alerts
      return null;
    }
    String events = config.get(DELIVERY_EVENTS_TOPIC);
    String deadLetters = config.get(RECEIPTS_DLQ_TOPIC);
    TopicCheck.require(config.kafka().properties(TopicCheck.ROLE, Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS))),
        List.of(events, deadLetters), List.of());
    RotatingSecrets secrets = ListenerKeys.secrets(config, ILK_RECEIPT_SECRET_FILE,
        ILK_RECEIPT_SECRETS, RotatingSecrets.Rule.HMAC_SECRET).orElseThrow();
    ReceiptSender sender = new ReceiptSender(
        new KafkaConsumer<>(IngestKeys.receiptsConsumerProperties(config),
            new StringDeserializer(), EventSerdes.deliveryEvent().deserializer()),
        new KafkaProducer<>(IngestKeys.receiptsDlqProducerProperties(config),
            new StringSerializer(), new ByteArraySerializer()),
        new NettyReceiptPoster(URI.create(config.get(ILK_RECEIPT_URL)),
            config.get(ILK_RECEIPT_TIMEOUT), secrets::current, Clock.systemUTC()),
        new ReceiptSender.Settings(events, deadLetters,
            new RetryPolicy(config.get(ILK_RECEIPT_BACKOFF_INITIAL),
                config.get(ILK_RECEIPT_BACKOFF_MAX), config.get(ILK_RECEIPT_MAX_AGE)),
            config.get(SHUTDOWN_TIMEOUT)),
        meters, Clock.systemUTC());
    meters.gauges(registry, sender::oldestUnsentSeconds, sender::bufferedEvents);
    health.readiness("receipt-sender", sender::status);
    log.info("receipts to ILK: POST {} for the DELIVERED, REVERSAL_REQUIRED and conflict events"
        + " of {} (group {}), dead letters to {}", config.get(ILK_RECEIPT_URL), events,
        config.get(IngestKeys.ILK_RECEIPT_GROUP_ID), deadLetters);
    return sender.start();
  }
}
