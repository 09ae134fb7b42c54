package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ledger.v1.LedgerRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The status-index and terminal-index entries of PENDING records, held in memory ({@link
 * LedgerStoreNames#PENDING_INDEX}: a {@link ConcurrentMemoryStore} without changelog or cache,
 * which interactive queries read like the durable indexes) instead of in {@code
 * ledger-by-status} and {@code ledger-by-terminal}. A result acked within its claim deadline —
 * the normal case — so writes no PENDING index entry to a changelog, nor its deletion.
 *
 * <p>Nothing is lost on a restart or rebalance: a PENDING record's due key ({@link
 * LedgerKeys#pendingDue}, in the changelogged due index) is the durable mark, and {@link
 * #rebuild} re-creates the entries of every PENDING record from the due index's {@code "P/"}
 * range when the task starts (a small set: the results received within a claim deadline).
 *
 * <p>At most {@value #MAX_RECORDS} records are held; a record that becomes PENDING beyond that
 * gets durable entries, as before (a PENDING record whose status key is not here has durable
 * ones: {@link #holds}). Used by the stream thread only (queries read the store itself).
 */
final class PendingIndex {
  /** The most PENDING records whose entries are held in memory (two entries each). */
  static final int MAX_RECORDS = 50_000;
  /** Prefix of a status-index key in the store. */
  static final String STATUS = "S/";
  /** Prefix of a terminal-index key in the store. */
  static final String TERMINAL = "T/";

  private final KeyValueStore<String, String> entries;
  private int records;

  PendingIndex(KeyValueStore<String, String> entries) {
    this.entries = entries;
  }

  /** Whether the entries of the PENDING record with {@code statusKey} are held here. */
  boolean holds(String statusKey) {
    return entries.get(STATUS + statusKey) != null;
  }

  /** Whether another record's entries may be held here. */
  boolean hasRoom() {
    return records < MAX_RECORDS;
  }

  void add(String statusKey, String terminalKey) {
    entries.put(STATUS + statusKey, "");
    entries.put(TERMINAL + terminalKey, "");
    records++;
  }

  void remove(String statusKey, String terminalKey) {
    entries.delete(STATUS + statusKey);
    entries.delete(TERMINAL + terminalKey);
    records--;
  }

  /**
   * Re-creates the entries of every PENDING record that has no durable ones, from the due
   * index's PENDING range; drops whatever the store held before. Called when the task starts.
   */
  void rebuild(LedgerStore store) {
    List<String> stale = new ArrayList<>();
    try (KeyValueIterator<String, String> it = entries.all()) {
      it.forEachRemaining(kv -> stale.add(kv.key));
    }
    stale.forEach(entries::delete);
    records = 0;
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = store.due.range(LedgerKeys.PENDING_DUE,
        LedgerKeys.PENDING_DUE + LedgerKeys.HIGH)) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> entry : due) {
      LedgerRecord record = store.get(LedgerKeys.resultIdOfDue(entry.key));
      if (record == null
          || record.getDelivery().getStatus() != DeliveryStatus.DELIVERY_STATUS_PENDING
          || record.getDueAtMs() != LedgerKeys.dueAtOf(entry.key)) {
        continue; // a stale entry: the punctuator deletes it when it is due
      }
      String statusKey = LedgerStore.statusKey(record);
      if (store.byStatus.get(statusKey) == null) {
        add(statusKey, LedgerStore.terminalKey(record));
      }
    }
  }
}
