package io.posrelay.admin.ledger;

import io.posrelay.v1.kafka.EventSerdes;
import io.posrelay.v1.kafka.TopicNames;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * The ledger as a Kafka Streams Processor-API topology:
 *
 * <pre>
 * results ──┐
 *            ├──▶ ledger (LedgerProcessor) ──▶ delivery-events (key terminal_id)
 * claims ────┘      │ persistent (RocksDB) stores, each with a changelog topic:
 *                   │ ledger-records, ledger-due, ledger-by-status, ledger-by-terminal,
 *                   │ ledger-counts, ledger-early-claims; in memory: ledger-pending-index
 *                   └ wall-clock punctuator every 200 ms over ledger-due
 * </pre>
 *
 * The topics are the deployment's ({@code topic.results}, {@code topic.claims}, {@code
 * topic.delivery-events}; {@code posrelay.results} … by default). Both sources are keyed by
 * terminal_id and must have the same partition count (admin-api checks that at start), so one
 * task sees a terminal's results and claims together.
 */
public final class LedgerTopology {
  /** How often the due index is scanned, on the wall clock. */
  public static final Duration PUNCTUATE_INTERVAL = Duration.ofMillis(200);

  static final String RESULTS_SOURCE = "results";
  static final String CLAIMS_SOURCE = "claims";
  static final String PROCESSOR = "ledger";
  static final String EVENTS_SINK = "delivery-events";

  private LedgerTopology() {}

  /**
   * The ledger's topology, telling {@code duplicateClaims} of each duplicate claim it records.
   *
   * @param topics the topic names: results and claims are read, delivery events written
   * @param settings the deadlines (claim, ack backstop, retention, grace) and the reversal policy
   * @param duplicateClaims told how many duplicate claims an input added, on the stream thread
   *     (when processed: an input processed again after an aborted transaction tells again); must
   *     not block, e.g. a counter's {@code increment}
   */
  public static Topology build(TopicNames topics, LedgerSettings settings,
      IntConsumer duplicateClaims) {
    DeliveryStateMachine machine = new DeliveryStateMachine(settings);
    Topology topology = new Topology();
    topology.addSource(
        RESULTS_SOURCE,
        Serdes.String().deserializer(),
        EventSerdes.paymentResult().deserializer(),
        topics.results());
    topology.addSource(
        CLAIMS_SOURCE,
        Serdes.String().deserializer(),
        EventSerdes.deliveryClaim().deserializer(),
        topics.claims());
    topology.addProcessor(
        PROCESSOR, () -> new LedgerProcessor(machine, duplicateClaims), RESULTS_SOURCE,
        CLAIMS_SOURCE);
    topology.addSink(
        EVENTS_SINK,
        topics.deliveryEvents(),
        Serdes.String().serializer(),
        EventSerdes.deliveryEvent().serializer(),
        PROCESSOR);
    // A record cache (Processor-API stores have none unless asked) on the stores that are only
    // read by key from other threads, or range-scanned by the stream thread alone: what a
    // commit interval changes several times (a record's PENDING and DELIVERED puts, a due entry
    // put and deleted, the counters) reaches the changelog once per commit, not once per change.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            persistent(LedgerStoreNames.RECORDS), Serdes.String(), Serdes.ByteArray())
            .withCachingEnabled(), // queries read it by result_id only
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            persistent(LedgerStoreNames.DUE), Serdes.String(), Serdes.String())
            .withCachingEnabled(), // range-scanned by the stream thread only, never queried
        PROCESSOR);
    // No record cache on the listing index: an interactive-query range scan merges the cache
    // with RocksDB and can miss an entry that is flushed and evicted while it iterates.
    // (Disabled is the default; said here so that nobody turns it on.)
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                persistent(LedgerStoreNames.BY_STATUS), Serdes.String(), Serdes.String())
            .withCachingDisabled(),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                persistent(LedgerStoreNames.BY_TERMINAL), Serdes.String(), Serdes.String())
            .withCachingDisabled(), // read by range scans, as the listing index
        PROCESSOR);
    // PENDING records' index entries: in memory, no changelog (PendingIndex rebuilds them);
    // read by queries while the stream thread writes, hence a concurrent map.
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                ConcurrentMemoryStore.supplier(LedgerStoreNames.PENDING_INDEX), Serdes.String(),
                Serdes.String())
            .withCachingDisabled()
            .withLoggingDisabled(),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            persistent(LedgerStoreNames.COUNTS), Serdes.String(), Serdes.Long())
            .withCachingEnabled(), // a few counters, queried by key
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            persistent(LedgerStoreNames.EARLY_CLAIMS), Serdes.String(), Serdes.ByteArray()),
        PROCESSOR);
    return topology;
  }

  private static KeyValueBytesStoreSupplier persistent(String name) {
    return Stores.persistentKeyValueStore(name);
  }
}
