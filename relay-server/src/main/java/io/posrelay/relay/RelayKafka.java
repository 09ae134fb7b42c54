package io.posrelay.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.v1.TerminalSession;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Where a relay node gets its Kafka-facing parts: {@link KafkaRelayClients} in production, fakes
 * in tests without a broker. Each method creates one client from the node's configuration.
 */
interface RelayKafka {
  /**
   * Checks that the node's topics exist, results and claims with equal partition counts.
   *
   * @throws Exception as {@link io.posrelay.runtime.kafka.TopicCheck#require}
   */
  void checkTopics(ServiceConfig config) throws Exception;

  /** The claims producer. */
  ClaimPublisher claims(ServiceConfig config, RelayMeters meters, MeterRegistry registry);

  /**
   * The broadcast reader of results, handing to {@code dispatcher} each result whose key (the
   * terminal id) {@code wanted} accepts, or that has no key; the others are skipped undecoded.
   */
  BroadcastConsumer<?> results(ServiceConfig config, Predicate<String> wanted,
      ResultDispatcher dispatcher, RelayMeters meters, MeterRegistry registry);

  /** The sessions producer. */
  SessionPublisher sessionPublisher(ServiceConfig config, RelayMeters meters,
      MeterRegistry registry);

  /** The broadcast reader of sessions, which drives takeover. */
  BroadcastConsumer<TerminalSession> sessions(ServiceConfig config, SessionTakeover takeover,
      RelayMeters meters, MeterRegistry registry);

  /**
   * The broadcast reader of delivery events, which drives redelivery and remembers reversals:
   * {@code handler} gets the events {@code interest} wants, the others are skipped unparsed.
   */
  BroadcastConsumer<?> deliveryEvents(ServiceConfig config, DeliveryEventInterest interest,
      Consumer<DeliveryEvent> handler, RelayMeters meters, MeterRegistry registry);
}
