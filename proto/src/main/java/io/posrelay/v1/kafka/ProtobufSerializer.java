package io.posrelay.v1.kafka;

import com.google.protobuf.MessageLite;
import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Writes a protobuf message as its plain binary encoding ({@link MessageLite#toByteArray()}),
 * with no length prefix or schema header: one Kafka record value is one message.
 *
 * <p>A {@code null} message becomes a {@code null} value (a tombstone on compacted topics).
 * Thread-safe and stateless.
 *
 * @param <T> the message type
 */
public final class ProtobufSerializer<T extends MessageLite> implements Serializer<T> {

  @Override
  public byte @Nullable [] serialize(String topic, @Nullable T message) {
    return message == null ? null : message.toByteArray();
  }
}
