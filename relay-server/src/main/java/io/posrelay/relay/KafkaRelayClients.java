package io.posrelay.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.FailedDeliveryWatcher;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.kafka.KafkaEventPublisher;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.Topics;
import java.time.Duration;

/**
 * The real Kafka clients of a relay node: claims and sessions producers, and the broadcast
 * consumers of the results and sessions topics, each with its client metrics bound. Client ids
 * are {@code posrelay-<node-id>-…}.
 */
final class KafkaRelayClients implements RelayServer.KafkaClients {
  /**
   * Claims are off the path to the terminal and the ledger waits seconds for them: batch them
   * (two per result) into few produce requests, which costs this node and the broker less CPU
   * per result (docs/benchmarks.md).
   */
  static final int CLAIMS_LINGER_MS = 20;
  /**
   * Every node reads every delivery event (three or more per result) only to notice the rare
   * FAILED one for a terminal it holds, which the follow-up ask would also catch seconds later:
   * let the broker gather them for up to 250 ms per fetch instead of one fetch per ledger write
   * (docs/benchmarks.md).
   */
  static final int DELIVERY_EVENTS_FETCH_MIN_BYTES = 64 * 1024;
  static final Duration DELIVERY_EVENTS_FETCH_MAX_WAIT = Duration.ofMillis(250);

  @Override
  public ClaimPublisher claims(RelayConfig c, RelayMeters meters, MeterRegistry registry) {
    KafkaEventPublisher<DeliveryClaim> events = new KafkaEventPublisher<>(
        KafkaEventPublisher.createProducer(c.kafkaBootstrap(), "posrelay-" + c.nodeId() + "-claims",
            c.claimsTopic(), CLAIMS_LINGER_MS, EventSerdes.deliveryClaim().serializer()),
        c.claimsTopic(), DeliveryClaim::getTerminalId,
        claim -> "result_id=" + claim.getResultId() + " terminal_id=" + claim.getTerminalId()
            + " outcome=" + claim.getOutcome(),
        meters::claimPublishError);
    events.bindClientMetrics(registry);
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
  public BroadcastConsumer<PaymentResult> results(RelayConfig c, ResultDispatcher dispatcher,
      RelayMeters meters, MeterRegistry registry) {
    BroadcastConsumer<PaymentResult> consumer = new BroadcastConsumer<>(
        BroadcastConsumer.createKafkaConsumer(c.kafkaBootstrap(),
            "posrelay-" + c.nodeId() + "-results", c.partitionRefreshInterval(),
            EventSerdes.paymentResult().deserializer()),
        c.resultsTopic(), dispatcher::dispatch, meters::consumerError,
        c.partitionRefreshInterval(), "posrelay-results-" + c.nodeId());
    consumer.bindClientMetrics(registry);
    return consumer;
  }

  @Override
  public SessionPublisher sessionPublisher(RelayConfig c, RelayMeters meters,
      MeterRegistry registry) {
    // linger.ms 0: the takeover of an older session elsewhere is bounded by this send.
    KafkaEventPublisher<TerminalSession> events = new KafkaEventPublisher<>(
        KafkaEventPublisher.createProducer(c.kafkaBootstrap(),
            "posrelay-" + c.nodeId() + "-sessions", c.sessionsTopic(), 0,
            EventSerdes.terminalSession().serializer()),
        c.sessionsTopic(), TerminalSession::getTerminalId,
        session -> "terminal_id=" + session.getTerminalId() + " session_id="
            + session.getSessionId(),
        meters.sessions()::publishError);
    events.bindClientMetrics(registry);
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
  public BroadcastConsumer<TerminalSession> sessions(RelayConfig c,
      SessionTakeover takeover, RelayMeters meters, MeterRegistry registry) {
    BroadcastConsumer<TerminalSession> consumer = new BroadcastConsumer<>(
        BroadcastConsumer.createKafkaConsumer(c.kafkaBootstrap(),
            "posrelay-" + c.nodeId() + "-sessions-reader", c.partitionRefreshInterval(),
            EventSerdes.terminalSession().deserializer()),
        c.sessionsTopic(), takeover, meters.sessions()::consumerError,
        c.partitionRefreshInterval(), "posrelay-sessions-" + c.nodeId());
    consumer.bindClientMetrics(registry);
    return consumer;
  }

  @Override
  public BroadcastConsumer<DeliveryEvent> deliveryEvents(RelayConfig c,
      FailedDeliveryWatcher watcher, RelayMeters meters, MeterRegistry registry) {
    BroadcastConsumer<DeliveryEvent> consumer = new BroadcastConsumer<>(
        BroadcastConsumer.createKafkaConsumer(c.kafkaBootstrap(),
            "posrelay-" + c.nodeId() + "-delivery-events", c.partitionRefreshInterval(),
            EventSerdes.deliveryEvent().deserializer(), DELIVERY_EVENTS_FETCH_MIN_BYTES,
            DELIVERY_EVENTS_FETCH_MAX_WAIT),
        Topics.DELIVERY_EVENTS, watcher::onDeliveryEvent,
        meters.sessions()::deliveryEventsError, c.partitionRefreshInterval(),
        "posrelay-delivery-events-" + c.nodeId());
    consumer.bindClientMetrics(registry);
    return consumer;
  }
}
