package io.posrelay.relay.kafka;

import org.jspecify.annotations.Nullable;

/**
 * Which records a {@link BroadcastConsumer} hands to its handler, decided from the record's key
 * (the terminal id on every relay topic) and its value as read, before the handler does any work.
 * A relay node holds a share of the terminals, so most records of a broadcast topic are for
 * terminals it does not hold: passing them over here spares their decoding, checks and metrics.
 *
 * <p>Called on the reader's poll thread only; must not block.
 *
 * @param <V> the record value type as the Kafka consumer deserialized it
 */
@FunctionalInterface
public interface RecordFilter<V> {

  /**
   * @param key the record's key: the terminal id; {@code null} if the producer gave none
   * @param value the value as read; {@code null} for a tombstone
   * @return whether the handler gets this record; {@code false} skips it silently
   * @throws io.posrelay.relay.delivery.MalformedRecordException to skip it as a bad record
   */
  boolean wants(@Nullable String key, @Nullable V value);

  /** Every record: the handler sees all of them. */
  static <V> RecordFilter<V> all() {
    return (key, value) -> true;
  }

  /**
   * The records whose key {@code wanted} accepts, and those with no key (whose terminal only the
   * value tells).
   *
   * @param wanted e.g. whether the terminal has a session on this node
   */
  static <V> RecordFilter<V> byKey(java.util.function.Predicate<String> wanted) {
    return (key, value) -> key == null || wanted.test(key);
  }
}
