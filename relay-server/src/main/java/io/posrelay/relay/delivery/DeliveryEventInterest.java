package io.posrelay.relay.delivery;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.jspecify.annotations.Nullable;

/**
 * Which records of {@code posrelay.delivery-events} a node parses, decided from the key and the
 * raw value: the ledger writes about one event per result (DELIVERED carries the whole result),
 * and a node acts only on FAILED events for terminals it holds ({@link FailedDeliveryWatcher})
 * and on REVERSAL_REQUIRED events for any terminal ({@link ReversedResults}: the terminal may
 * connect here later, and an ILK retry of the callback must not be delivered then). So a record
 * is parsed if its key (the terminal id) is absent or held here, or if its {@code to} field says
 * REVERSAL_REQUIRED; that field is read from the wire format without parsing the message. Every
 * other record, malformed ones included, is skipped: its holder acts on it.
 *
 * <p>Thread-safe, stateless but for the registry it reads; never blocks.
 */
public final class DeliveryEventInterest {
  /** Field {@code to}, a varint: the field number shifted past the 3 bits of the wire type. */
  private static final int TO_TAG =
      DeliveryEvent.TO_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;

  private final TerminalRegistry registry;

  /**
   * @param registry the terminals with a session on this node
   */
  public DeliveryEventInterest(TerminalRegistry registry) {
    this.registry = registry;
  }

  /**
   * @param key the record's key, the terminal id; {@code null} if none
   * @param value the raw {@link DeliveryEvent}; {@code null} for a tombstone
   * @return whether to parse and handle the record
   */
  public boolean wants(@Nullable String key, @Nullable ByteBuffer value) {
    return key == null || registry.get(key) != null
        || (value != null && to(value) == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED_VALUE);
  }

  /**
   * The {@code to} field of a raw DeliveryEvent (the last occurrence, as a parser takes it),
   * without moving {@code value}'s position; 0 (unspecified) if it is absent, -1 if the bytes
   * are not a valid message.
   */
  static int to(ByteBuffer value) {
    CodedInputStream in = CodedInputStream.newInstance(value.duplicate());
    int to = 0;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == TO_TAG) {
          to = in.readEnum();
        } else if (!in.skipField(tag)) {
          break; // an end-group tag: not a valid top-level message
        }
      }
      return to;
    } catch (IOException e) {
      return -1;
    }
  }
}
