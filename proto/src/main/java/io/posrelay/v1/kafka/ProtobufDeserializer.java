package io.posrelay.v1.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Parses a Kafka record value written by {@link ProtobufSerializer}.
 *
 * <p>A {@code null} value (a tombstone) yields {@code null}. Thread-safe: {@link Parser}s of
 * generated messages are stateless.
 *
 * @param <T> the message type
 */
public final class ProtobufDeserializer<T extends MessageLite> implements Deserializer<T> {
  private final Parser<T> parser;

  /**
   * @param parser the generated message's parser, e.g. {@code PaymentResult.parser()}
   */
  public ProtobufDeserializer(Parser<T> parser) {
    this.parser = parser;
  }

  /**
   * @throws SerializationException if {@code data} is not a valid encoding of {@code T}. The
   *     Kafka consumer reports it as a {@code RecordDeserializationException} naming the
   *     partition and offset, so the caller can skip that record.
   */
  @Override
  public @Nullable T deserialize(String topic, byte @Nullable [] data) {
    if (data == null) {
      return null;
    }
    try {
      return parser.parseFrom(data);
    } catch (InvalidProtocolBufferException e) {
      throw new SerializationException(
          "record on " + topic + " is not a valid protobuf message (" + data.length + " bytes)", e);
    }
  }
}
