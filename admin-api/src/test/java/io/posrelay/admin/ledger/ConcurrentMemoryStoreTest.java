package io.posrelay.admin.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The in-memory store behind ledger-pending-index: Kafka Streams' range contract, safe reads. */
class ConcurrentMemoryStoreTest {
  private final KeyValueStore<Bytes, byte[]> store =
      ConcurrentMemoryStore.supplier("test").get();

  @Test
  void ranges_includeBothEnds_inKeyOrder_reversedOnAsk_emptyWhenFromIsAfterTo() {
    for (String k : List.of("a", "b", "c", "d")) {
      store.put(key(k), new byte[0]);
    }
    store.delete(key("c"));
    store.put(key("d"), null); // a null value deletes, as in Kafka Streams' stores

    assertThat(keys(store.range(key("a"), key("c")))).containsExactly("a", "b");
    assertThat(keys(store.reverseRange(key("a"), key("b")))).containsExactly("b", "a");
    assertThat(keys(store.range(key("b"), key("a")))).isEmpty();
    assertThat(keys(store.all())).containsExactly("a", "b");
    assertThat(keys(store.range(null, key("a")))).containsExactly("a");
    assertThat(store.approximateNumEntries()).isEqualTo(2);
  }

  @Test
  void readsWhileAnotherThreadWrites_neverFail() {
    AtomicBoolean stop = new AtomicBoolean();
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
      for (int i = 0; !stop.get() && i < 2_000_000; i++) {
        Bytes k = key(String.format("%06d", i % 5_000));
        if (i % 2 == 0) {
          store.put(k, new byte[0]);
        } else {
          store.delete(k);
        }
      }
    });
    try {
      for (int round = 0; round < 200; round++) {
        List<String> seen = keys(store.range(key("000000"), key("999999")));
        assertThat(seen).isSorted();
      }
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  private static Bytes key(String s) {
    return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
    List<String> keys = new ArrayList<>();
    try (it) {
      it.forEachRemaining(kv -> keys.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
    }
    return keys;
  }
}
