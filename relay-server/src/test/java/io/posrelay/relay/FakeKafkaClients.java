package io.posrelay.relay;

import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.delivery.RecordingClaims;
import io.posrelay.relay.delivery.RecordingSessions;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.kafka.ReaderRestarts;
import io.posrelay.relay.kafka.RecordFilter;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Kafka replaced by in-memory fakes: one empty partition per topic, recorded claims/sessions. */
final class FakeKafkaClients implements RelayKafka {
  static final String RESULTS = "posrelay.results";
  static final String SESSIONS = "posrelay.sessions";
  static final String DELIVERY_EVENTS = "posrelay.delivery-events";

  final RelayServerTest.IdleMockConsumer results = new RelayServerTest.IdleMockConsumer();
  final MockConsumer<String, TerminalSession> sessions = new MockConsumer<>("latest");
  final MockConsumer<String, DeliveryEvent> deliveryEvents = new MockConsumer<>("latest");
  final RecordingClaims claims = new RecordingClaims();
  final RecordingSessions announced = new RecordingSessions();

  FakeKafkaClients() {
    Node node = new Node(1, "127.0.0.1", 9092);
    results.updatePartitions(RESULTS, List.of(new PartitionInfo(RESULTS, 0, node, null, null)));
    results.updateEndOffsets(Map.of(new TopicPartition(RESULTS, 0), 0L));
    sessions.updatePartitions(SESSIONS,
        List.of(new PartitionInfo(SESSIONS, 0, node, null, null)));
    sessions.updateEndOffsets(Map.of(new TopicPartition(SESSIONS, 0), 0L));
    deliveryEvents.updatePartitions(DELIVERY_EVENTS,
        List.of(new PartitionInfo(DELIVERY_EVENTS, 0, node, null, null)));
    deliveryEvents.updateEndOffsets(Map.of(new TopicPartition(DELIVERY_EVENTS, 0), 0L));
  }

  @Override
  public void checkTopics(ServiceConfig c) {
    // the fakes have every topic
  }

  @Override
  public ClaimPublisher claims(ServiceConfig c, RelayMeters meters, MeterRegistry registry) {
    return claims;
  }

  @Override
  public BroadcastConsumer<PaymentResult> results(ServiceConfig c, Predicate<String> wanted,
      ResultDispatcher dispatcher, RelayMeters meters, MeterRegistry registry) {
    return new BroadcastConsumer<>(results, RESULTS, RecordFilter.byKey(wanted),
        dispatcher::dispatch, meters.deliveries()::consumerError, Duration.ofHours(1),
        "test-results", ReaderRestarts.DEFAULT);
  }

  @Override
  public SessionPublisher sessionPublisher(ServiceConfig c, RelayMeters meters,
      MeterRegistry registry) {
    return announced;
  }

  @Override
  public BroadcastConsumer<TerminalSession> sessions(ServiceConfig c, SessionTakeover takeover,
      RelayMeters meters, MeterRegistry registry) {
    return new BroadcastConsumer<>(sessions, SESSIONS, takeover,
        meters.sessions()::consumerError, Duration.ofHours(1), "test-sessions");
  }

  @Override
  public BroadcastConsumer<DeliveryEvent> deliveryEvents(ServiceConfig c,
      DeliveryEventInterest interest, Consumer<DeliveryEvent> handler, RelayMeters meters,
      MeterRegistry registry) {
    return new BroadcastConsumer<>(deliveryEvents, DELIVERY_EVENTS, (key, event) ->
        interest.wants(key, event == null ? null : ByteBuffer.wrap(event.toByteArray())),
        handler, meters.sessions()::deliveryEventsError, Duration.ofHours(1),
        "test-delivery-events", ReaderRestarts.DEFAULT);
  }
}
