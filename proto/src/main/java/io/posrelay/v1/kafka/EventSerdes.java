package io.posrelay.v1.kafka;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the event messages of {@code posrelay/v1/events.proto} and the ledger's {@code DeliveryEvent}. Keys on every POS
 * Relay topic are the terminal id as UTF-8 ({@link Serdes#String()}).
 */
public final class EventSerdes {
  private EventSerdes() {}

  /** Values of {@link Topics#RESULTS}. */
  public static Serde<PaymentResult> paymentResult() {
    return serde(new ProtobufDeserializer<>(PaymentResult.parser()));
  }

  /** Values of {@link Topics#CLAIMS}. */
  public static Serde<DeliveryClaim> deliveryClaim() {
    return serde(new ProtobufDeserializer<>(DeliveryClaim.parser()));
  }

  /** Values of {@link Topics#SESSIONS}. */
  public static Serde<TerminalSession> terminalSession() {
    return serde(new ProtobufDeserializer<>(TerminalSession.parser()));
  }

  /** Values of {@link Topics#DELIVERY_EVENTS}. */
  public static Serde<DeliveryEvent> deliveryEvent() {
    return serde(new ProtobufDeserializer<>(DeliveryEvent.parser()));
  }

  private static <T extends com.google.protobuf.MessageLite> Serde<T> serde(
      Deserializer<T> deserializer) {
    Serializer<T> serializer = new ProtobufSerializer<>();
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
