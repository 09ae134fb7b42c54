package io.posrelay.admin.ledger;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory key-value store whose reads are safe while the stream thread writes: a {@link
 * ConcurrentSkipListMap}, whose range iterators are weakly consistent (never throw, see every
 * entry present for the whole iteration). Kafka Streams' own in-memory store reads its {@code
 * TreeMap} from query threads without a lock. Nothing is restored: build it without logging and
 * fill it in the processor's {@code init} ({@link PendingIndex#rebuild}). Empty when opened.
 */
final class ConcurrentMemoryStore implements KeyValueStore<Bytes, byte[]> {
  private final String name;
  private final ConcurrentSkipListMap<Bytes, byte[]> map = new ConcurrentSkipListMap<>();
  private volatile boolean open;

  private ConcurrentMemoryStore(String name) {
    this.name = name;
  }

  /** A supplier of such stores named {@code name}, for {@code Stores.keyValueStoreBuilder}. */
  static KeyValueBytesStoreSupplier supplier(String name) {
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new ConcurrentMemoryStore(name);
      }

      @Override
      public String metricsScope() {
        return "in-memory";
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    map.clear();
    context.register(root, (key, value) -> { }); // no changelog: nothing to restore
    open = true;
  }

  @Override
  public void close() {
    map.clear();
    open = false;
  }

  /** No position is tracked (no interactive query v2 consistency bound is served). */
  @Override
  public Position getPosition() {
    return Position.emptyPosition();
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public byte @Nullable [] get(Bytes key) {
    return map.get(key);
  }

  @Override
  public void put(Bytes key, byte @Nullable [] value) {
    if (value == null) {
      map.remove(key);
    } else {
      map.put(key, value);
    }
  }

  @Override
  public byte @Nullable [] putIfAbsent(Bytes key, byte[] value) {
    return map.putIfAbsent(key, value);
  }

  @Override
  public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
    entries.forEach(kv -> put(kv.key, kv.value));
  }

  @Override
  public byte @Nullable [] delete(Bytes key) {
    return map.remove(key);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> range(@Nullable Bytes from, @Nullable Bytes to) {
    return iterator(sub(from, to));
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseRange(@Nullable Bytes from, @Nullable Bytes to) {
    return iterator(sub(from, to).descendingMap());
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> all() {
    return iterator(map);
  }

  @Override
  public KeyValueIterator<Bytes, byte[]> reverseAll() {
    return iterator(map.descendingMap());
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  private NavigableMap<Bytes, byte[]> sub(@Nullable Bytes from, @Nullable Bytes to) {
    if (from != null && to != null && from.compareTo(to) > 0) {
      return new ConcurrentSkipListMap<>(); // an empty range, as Kafka Streams' stores answer
    }
    NavigableMap<Bytes, byte[]> tail = from == null ? map : map.tailMap(from, true);
    return to == null ? tail : tail.headMap(to, true);
  }

  private static KeyValueIterator<Bytes, byte[]> iterator(NavigableMap<Bytes, byte[]> entries) {
    Iterator<Map.Entry<Bytes, byte[]>> it = entries.entrySet().iterator();
    return new KeyValueIterator<>() {
      private Map.@Nullable Entry<Bytes, byte[]> next;

      @Override
      public boolean hasNext() {
        if (next == null && it.hasNext()) {
          next = it.next();
        }
        return next != null;
      }

      @Override
      public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<Bytes, byte[]> entry = next;
        next = null;
        return KeyValue.pair(entry.getKey(), entry.getValue());
      }

      @Override
      public Bytes peekNextKey() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return next.getKey();
      }

      @Override
      public void close() {}
    };
  }
}
