package io.posrelay.relay;

import static io.posrelay.runtime.kafka.KafkaKeys.BOOTSTRAP_SERVERS;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.kafka.KafkaEventPublisher;
import io.posrelay.relay.kafka.ProtobufValues;
import io.posrelay.relay.kafka.ReaderRestarts;
import io.posrelay.relay.kafka.RecordFilter;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.runtime.config.KafkaClientRole;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The real Kafka clients of a relay node, each created with the properties of its role in {@link
 * RelayKeys} (pass-through included) and with its client metrics bound. Client ids are {@code
 * posrelay-<node-id>-…}.
 */
final class KafkaRelayClients implements RelayKafka {

  @Override
  public void checkTopics(ServiceConfig c) throws Exception {
    TopicNames topics = KafkaKeys.topics(c);
    List<String> names = new ArrayList<>(List.of(topics.results(), topics.claims(),
        topics.sessions()));
    if (!c.get(RelayKeys.ADMIN_ADDRESS).isEmpty()) {
      names.add(topics.deliveryEvents());
    }
    TopicCheck.require(c.kafka().properties(TopicCheck.ROLE, Map.of(
            CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.get(BOOTSTRAP_SERVERS),
            CommonClientConfigs.CLIENT_ID_CONFIG, clientId(c, "topic-check"))),
        names, List.of(List.of(topics.results(), topics.claims())));
  }

  @Override
  public ClaimPublisher claims(ServiceConfig c, RelayMeters meters, MeterRegistry registry) {
    String topic = KafkaKeys.topics(c).claims();
    KafkaEventPublisher<DeliveryClaim> events = claimEvents(
        KafkaEventPublisher.createProducer(properties(c, RelayKeys.CLAIMS_PRODUCER, "claims"),
            topic, EventSerdes.deliveryClaim().serializer()),
        topic, RelayKeys.nodeId(c), c.get(RelayKeys.MAX_IN_FLIGHT_PUBLISHES), meters);
    events.bindClientMetrics(registry);
    return claimPublisher(events);
  }

  /**
   * The claims publisher over {@code producer}: a bounded hand-off ({@code maxInFlight}) whose
   * drops and failures count in {@code meters}, with its in-flight gauge registered.
   */
  static KafkaEventPublisher<DeliveryClaim> claimEvents(Producer<String, DeliveryClaim> producer,
      String topic, String nodeId, int maxInFlight, RelayMeters meters) {
    KafkaEventPublisher<DeliveryClaim> events = new KafkaEventPublisher<>(producer,
        new KafkaEventPublisher.Topic<>(topic, DeliveryClaim::getTerminalId,
            claim -> "result_id=" + claim.getResultId() + " terminal_id="
                + claim.getTerminalId() + " outcome=" + claim.getOutcome(),
            "unless a later claim of the result gets through, the ledger fails it at its claim"
                + " deadline (UNCLAIMED) or ack backstop, and recovery redelivers it"),
        nodeId + "-claims", maxInFlight, meters.deliveries()::claimPublishError,
        meters.deliveries()::claimDropped);
    meters.gauge(RelayMeters.CLAIMS_IN_FLIGHT,
        "Claims handed to the claims producer and not yet acknowledged by Kafka.",
        events::inFlight);
    return events;
  }

  /** {@code events} as the delivery logic's {@link ClaimPublisher}. */
  static ClaimPublisher claimPublisher(KafkaEventPublisher<DeliveryClaim> events) {
    return new ClaimPublisher() {
      @Override
      public void publish(DeliveryClaim claim) {
        events.publish(claim);
      }

      @Override
      public void close(Duration timeout) {
        events.close(timeout);
      }
    };
  }

  @Override
  public BroadcastConsumer<?> results(ServiceConfig c, Predicate<String> wanted,
      ResultDispatcher dispatcher, RelayMeters meters, MeterRegistry registry) {
    String topic = KafkaKeys.topics(c).results();
    return reader(c, RelayKeys.RESULTS_READER, "results", topic, new ByteBufferDeserializer(),
        RecordFilter.byKey(wanted),
        ProtobufValues.parsing(PaymentResult.parser(), topic, dispatcher::dispatch),
        meters.deliveries()::consumerError, registry, "posrelay-results-");
  }

  @Override
  public SessionPublisher sessionPublisher(ServiceConfig c, RelayMeters meters,
      MeterRegistry registry) {
    String topic = KafkaKeys.topics(c).sessions();
    KafkaEventPublisher<TerminalSession> events = sessionEvents(
        KafkaEventPublisher.createProducer(properties(c, RelayKeys.SESSIONS_PRODUCER, "sessions"),
            topic, EventSerdes.terminalSession().serializer()),
        topic, RelayKeys.nodeId(c), c.get(RelayKeys.MAX_IN_FLIGHT_PUBLISHES), meters);
    events.bindClientMetrics(registry);
    return sessionPublisher(events);
  }

  /**
   * The sessions publisher over {@code producer}: a bounded hand-off ({@code maxInFlight}) whose
   * drops and failures count in {@code meters}, with its in-flight gauge registered.
   */
  static KafkaEventPublisher<TerminalSession> sessionEvents(
      Producer<String, TerminalSession> producer, String topic, String nodeId, int maxInFlight,
      RelayMeters meters) {
    KafkaEventPublisher<TerminalSession> events = new KafkaEventPublisher<>(producer,
        new KafkaEventPublisher.Topic<>(topic, TerminalSession::getTerminalId,
            session -> "terminal_id=" + session.getTerminalId() + " session_id="
                + session.getSessionId(),
            "the takeover of the terminal's older session on another node is late: that session"
                + " lives until it ends by itself"),
        nodeId + "-sessions", maxInFlight, meters.sessions()::publishError,
        meters.sessions()::publishDropped);
    meters.gauge(RelayMeters.SESSIONS_IN_FLIGHT,
        "TerminalSession records handed to the sessions producer and not yet acknowledged.",
        events::inFlight);
    return events;
  }

  /** {@code events} as the session logic's {@link SessionPublisher}. */
  static SessionPublisher sessionPublisher(KafkaEventPublisher<TerminalSession> events) {
    return new SessionPublisher() {
      @Override
      public void publish(TerminalSession session) {
        events.publish(session);
      }

      @Override
      public void close(Duration timeout) {
        events.close(timeout);
      }
    };
  }

  @Override
  public BroadcastConsumer<TerminalSession> sessions(ServiceConfig c,
      SessionTakeover takeover, RelayMeters meters, MeterRegistry registry) {
    return reader(c, RelayKeys.SESSIONS_READER, "sessions-reader", KafkaKeys.topics(c).sessions(),
        EventSerdes.terminalSession().deserializer(), takeover, meters.sessions()::consumerError,
        registry, "posrelay-sessions-");
  }

  @Override
  public BroadcastConsumer<?> deliveryEvents(ServiceConfig c, DeliveryEventInterest interest,
      Consumer<DeliveryEvent> handler, RelayMeters meters, MeterRegistry registry) {
    String topic = KafkaKeys.topics(c).deliveryEvents();
    return reader(c, RelayKeys.DELIVERY_EVENTS_READER, "delivery-events", topic,
        new ByteBufferDeserializer(), interest::wants,
        ProtobufValues.parsing(DeliveryEvent.parser(), topic, handler),
        meters.sessions()::deliveryEventsError, registry, "posrelay-delivery-events-");
  }

  private static <V> BroadcastConsumer<V> reader(ServiceConfig c, KafkaClientRole role,
      String clientSuffix, String topic, Deserializer<V> values, Consumer<V> handler,
      Consumer<RelayMeters.ConsumerErrorKind> errors, MeterRegistry registry,
      String threadPrefix) {
    return reader(c, role, clientSuffix, topic, values, RecordFilter.all(), handler, errors,
        registry, threadPrefix);
  }

  private static <V> BroadcastConsumer<V> reader(ServiceConfig c, KafkaClientRole role,
      String clientSuffix, String topic, Deserializer<V> values, RecordFilter<V> filter,
      Consumer<V> handler, Consumer<RelayMeters.ConsumerErrorKind> errors,
      MeterRegistry registry, String threadPrefix) {
    Duration refresh = c.get(RelayKeys.PARTITION_REFRESH);
    Map<String, Object> props = properties(c, role, clientSuffix);
    props.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, (int) refresh.toMillis());
    BroadcastConsumer<V> consumer = new BroadcastConsumer<>(
        BroadcastConsumer.createKafkaConsumer(props, values), topic, filter, handler, errors,
        refresh, threadPrefix + RelayKeys.nodeId(c), ReaderRestarts.DEFAULT);
    consumer.bindClientMetrics(registry);
    return consumer;
  }

  private static Map<String, Object> properties(ServiceConfig c, KafkaClientRole role,
      String clientSuffix) {
    return c.kafka().properties(role, Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.get(BOOTSTRAP_SERVERS),
        CommonClientConfigs.CLIENT_ID_CONFIG, clientId(c, clientSuffix)));
  }

  private static String clientId(ServiceConfig c, String suffix) {
    return "posrelay-" + RelayKeys.nodeId(c) + "-" + suffix;
  }
}
