package io.posrelay.relay.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.posrelay.relay.delivery.MalformedRecordException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Record values read as raw bytes ({@link org.apache.kafka.common.serialization.ByteBufferDeserializer},
 * which hands over a view of the fetched bytes without copying them) and parsed into their
 * protobuf message only when a {@link RecordFilter} let the record through. The Kafka consumer
 * would otherwise parse every value of the topic during {@code poll}, for terminals this node
 * does not hold too.
 *
 * <p>A value that is not a valid encoding is refused with {@link MalformedRecordException}, so
 * the reader logs and counts it as a bad record with its coordinates, as it does a value the
 * Kafka consumer could not deserialize. Stateless: generated parsers are thread-safe.
 */
public final class ProtobufValues {
  private ProtobufValues() {}

  /**
   * A handler of raw values that parses each with {@code parser} and hands the message on.
   *
   * @param parser the generated message's parser, e.g. {@code PaymentResult.parser()}
   * @param topic names the topic in the bad record's message
   * @param handler receives each parsed message; its exceptions pass through unchanged
   * @param <M> the message type
   * @return the handler of raw values, for a {@code BroadcastConsumer<ByteBuffer>}
   */
  public static <M> Consumer<ByteBuffer> parsing(Parser<M> parser, String topic,
      Consumer<M> handler) {
    return bytes -> handler.accept(parse(parser, topic, bytes));
  }

  /**
   * Parses one raw value; does not move {@code bytes}' position.
   *
   * @throws MalformedRecordException if {@code bytes} is not a valid encoding of the message
   */
  static <M> M parse(Parser<M> parser, String topic, ByteBuffer bytes) {
    try {
      return parser.parseFrom(bytes.duplicate());
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedRecordException("record on " + topic + " is not a valid protobuf"
          + " message (" + bytes.remaining() + " bytes): " + e.getMessage());
    }
  }
}
