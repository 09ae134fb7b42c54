package io.posrelay.admin.ledger;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The read side of one ledger partition's stores, as interactive queries (or a test driver) give
 * them. Reads may run on any thread, concurrently with the stream thread's writes.
 *
 * @param records {@link LedgerStoreNames#RECORDS}
 * @param byStatus {@link LedgerStoreNames#BY_STATUS}
 * @param counts {@link LedgerStoreNames#COUNTS}
 * @param byTerminal {@link LedgerStoreNames#BY_TERMINAL}
 * @param pendingIndex {@link LedgerStoreNames#PENDING_INDEX}: the status-index and
 *     terminal-index entries of PENDING records, which the two durable indexes do not hold
 * @param partition the partition of the results and claims topics ({@code topic.results}, {@code
 *     topic.claims}) these stores hold (the Kafka Streams task's partition)
 */
public record LedgerPartition(
    ReadOnlyKeyValueStore<String, byte[]> records,
    ReadOnlyKeyValueStore<String, String> byStatus,
    ReadOnlyKeyValueStore<String, Long> counts,
    ReadOnlyKeyValueStore<String, String> byTerminal,
    ReadOnlyKeyValueStore<String, String> pendingIndex,
    int partition) {}
