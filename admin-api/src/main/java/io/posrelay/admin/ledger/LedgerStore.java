package io.posrelay.admin.ledger;

import com.google.protobuf.InvalidProtocolBufferException;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.v1.FailureReason;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.jspecify.annotations.Nullable;

/**
 * The writable stores of one ledger task, kept consistent with each other: a record, its due-index
 * entry, its status-index and terminal-index entries and the counts change together in {@link
 * #save}. Under exactly-once they also reach their changelogs together. A PENDING record's index
 * entries are held in memory ({@link PendingIndex}) unless it has durable ones. Used by the
 * stream thread only.
 */
final class LedgerStore {
  static final String DUE_RECORD = "R";
  static final String DUE_EARLY_CLAIMS = "C";

  final KeyValueStore<String, byte[]> records;
  final KeyValueStore<String, String> due;
  final KeyValueStore<String, String> byStatus;
  final KeyValueStore<String, String> byTerminal;
  final KeyValueStore<String, Long> counts;
  final KeyValueStore<String, byte[]> earlyClaims;
  final PendingIndex pending;

  LedgerStore(ProcessorContext<?, ?> context) {
    this.records = context.getStateStore(LedgerStoreNames.RECORDS);
    this.due = context.getStateStore(LedgerStoreNames.DUE);
    dropKeysPutAndDeletedInOneCommit(due);
    this.byStatus = context.getStateStore(LedgerStoreNames.BY_STATUS);
    this.byTerminal = context.getStateStore(LedgerStoreNames.BY_TERMINAL);
    this.counts = context.getStateStore(LedgerStoreNames.COUNTS);
    this.earlyClaims = context.getStateStore(LedgerStoreNames.EARLY_CLAIMS);
    this.pending = new PendingIndex(context.getStateStore(LedgerStoreNames.PENDING_INDEX));
  }

  /**
   * Lets {@code store}'s record cache drop, at a commit, a key that was put and deleted since the
   * last one and is not in RocksDB — a PENDING record's due key when its result was acked within
   * the same commit interval — instead of writing a tombstone for it. Kafka Streams' caching
   * store does so only when it has a flush listener (a KTable's does); a Processor-API store has
   * none, so this sets one that does nothing else. The listener is Kafka Streams' internal API:
   * should a store not offer it, every change is written as before (LedgerChangelogCountTest
   * would show the extra record).
   */
  @SuppressWarnings("unchecked")
  private static void dropKeysPutAndDeletedInOneCommit(KeyValueStore<String, String> store) {
    if (store instanceof CachedStateStore<?, ?> cached) {
      ((CachedStateStore<String, String>) cached).setFlushListener(record -> { }, false);
    }
  }

  @Nullable LedgerRecord get(String resultId) {
    byte[] bytes = records.get(resultId);
    return bytes == null ? null : parse(bytes);
  }

  /** Replaces {@code old} (null: none) by {@code updated} (null: delete) with its indexes. */
  void save(String resultId, @Nullable LedgerRecord old, @Nullable LedgerRecord updated) {
    String oldDue = old == null ? null : dueKey(old);
    String newDue = updated == null ? null : dueKey(updated);
    if (oldDue != null && !oldDue.equals(newDue)) {
      due.delete(oldDue);
    }
    if (newDue != null && !newDue.equals(oldDue)) {
      due.put(newDue, DUE_RECORD);
    }
    String oldStatus = old == null ? null : statusKey(old);
    String oldTerminal = old == null ? null : terminalKey(old);
    String newStatus = updated == null ? null : statusKey(updated);
    String newTerminal = updated == null ? null : terminalKey(updated);
    boolean oldInMemory = isPending(old) && pending.holds(oldStatus);
    boolean newInMemory = isPending(updated)
        && (isPending(old) ? oldInMemory : pending.hasRoom());
    if (oldInMemory && newInMemory && oldStatus.equals(newStatus)) {
      oldStatus = oldTerminal = newStatus = newTerminal = null; // PENDING still: unchanged
    }
    if (oldInMemory) {
      pending.remove(oldStatus, oldTerminal);
      oldStatus = oldTerminal = null;
    }
    if (newInMemory) {
      pending.add(newStatus, newTerminal);
      newStatus = newTerminal = null;
    }
    move(byStatus, oldStatus, newStatus);
    move(byTerminal, oldTerminal, newTerminal);
    if (old != null) {
      count(old.getDelivery(), -1);
    }
    if (updated != null) {
      count(updated.getDelivery(), +1);
      records.put(resultId, updated.toByteArray());
    } else {
      records.delete(resultId);
    }
  }

  void add(String counter, long delta) {
    if (delta == 0) {
      return;
    }
    Long current = counts.get(counter);
    long next = (current == null ? 0 : current) + delta;
    if (next == 0) {
      counts.delete(counter);
    } else {
      counts.put(counter, next);
    }
  }

  private void count(Delivery d, int sign) {
    add(LedgerStoreNames.statusCount(d.getStatus()), sign);
    if ((d.getStatus() == DeliveryStatus.DELIVERY_STATUS_FAILED
            || d.getStatus() == DeliveryStatus.DELIVERY_STATUS_EXPIRED)
        && d.getFailureReason() != FailureReason.FAILURE_REASON_UNSPECIFIED) {
      add(LedgerStoreNames.reasonCount(d.getFailureReason()), sign);
    }
    add(LedgerStoreNames.DUPLICATES, (long) sign * d.getDuplicateClaims());
    if (d.hasConflict()) {
      add(LedgerStoreNames.CONFLICTS, sign);
    }
  }

  /** Moves an index entry from {@code from} to {@code to}; null: no entry there. */
  private static void move(
      KeyValueStore<String, String> index, @Nullable String from, @Nullable String to) {
    if (from != null && !from.equals(to)) {
      index.delete(from);
    }
    if (to != null && !to.equals(from)) {
      index.put(to, "");
    }
  }

  /** The due-index key of {@code record}: {@link LedgerKeys#pendingDue} while PENDING. */
  static String dueKey(LedgerRecord record) {
    String id = record.getDelivery().getResultId();
    return isPending(record)
        ? LedgerKeys.pendingDue(record.getDueAtMs(), id) : LedgerKeys.due(record.getDueAtMs(), id);
  }

  private static boolean isPending(@Nullable LedgerRecord record) {
    return record != null
        && record.getDelivery().getStatus() == DeliveryStatus.DELIVERY_STATUS_PENDING;
  }

  /** The terminal-index key of an undelivered (PENDING or FAILED) record; null otherwise. */
  static @Nullable String terminalKey(LedgerRecord record) {
    Delivery d = record.getDelivery();
    if (!LedgerQueries.TERMINAL_INDEXED.contains(d.getStatus())) {
      return null;
    }
    return LedgerKeys.byTerminal(d.getTerminalId(), d.getStatus(),
        DeliveryStateMachine.millis(d.getReceivedAt()), d.getResultId());
  }

  static String statusKey(LedgerRecord record) {
    Delivery d = record.getDelivery();
    return LedgerKeys.byStatus(
        d.getStatus(), DeliveryStateMachine.millis(d.getReceivedAt()), d.getResultId());
  }

  static LedgerRecord parse(byte[] bytes) {
    try {
      return LedgerRecord.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("ledger-records: unreadable record", e);
    }
  }
}
