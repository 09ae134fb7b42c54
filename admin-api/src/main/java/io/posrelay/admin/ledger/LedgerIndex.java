package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.DeliveryStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The ledger's records and their secondary indexes: by status, by terminal and by deadline, all
 * ordered so that no operation scans the whole ledger. Not thread-safe: guarded by the {@link
 * DeliveryLedger}'s lock.
 */
final class LedgerIndex {
  /** The statuses a record can be in, in eviction order (first evicted first). */
  static final List<DeliveryStatus> STATUSES =
      List.of(
          DeliveryStatus.DELIVERY_STATUS_DELIVERED,
          DeliveryStatus.DELIVERY_STATUS_EXPIRED,
          DeliveryStatus.DELIVERY_STATUS_FAILED,
          DeliveryStatus.DELIVERY_STATUS_DELIVERING,
          DeliveryStatus.DELIVERY_STATUS_PENDING);

  private final Map<String, LedgerEntry> byId = new HashMap<>();
  private final Map<DeliveryStatus, TreeSet<SortKey>> byStatus =
      new EnumMap<>(DeliveryStatus.class);
  private final Map<String, TreeSet<SortKey>> byTerminal = new HashMap<>();
  private final TreeSet<LedgerEntry.Deadline> deadlines = new TreeSet<>();

  LedgerIndex() {
    for (DeliveryStatus status : STATUSES) {
      byStatus.put(status, new TreeSet<>());
    }
  }

  @Nullable LedgerEntry get(String resultId) {
    return byId.get(resultId);
  }

  int size() {
    return byId.size();
  }

  int count(DeliveryStatus status) {
    TreeSet<SortKey> keys = byStatus.get(status);
    return keys == null ? 0 : keys.size();
  }

  /** The oldest key in {@code status}, or null if there is none. */
  @Nullable SortKey oldest(DeliveryStatus status) {
    TreeSet<SortKey> keys = byStatus.get(status);
    return keys == null || keys.isEmpty() ? null : keys.first();
  }

  void add(LedgerEntry entry) {
    byId.put(entry.resultId(), entry);
    byStatus.get(entry.status).add(entry.key);
    byTerminal.computeIfAbsent(entry.terminalId(), t -> new TreeSet<>()).add(entry.key);
  }

  void remove(LedgerEntry entry) {
    byId.remove(entry.resultId());
    byStatus.get(entry.status).remove(entry.key);
    TreeSet<SortKey> terminalKeys = byTerminal.get(entry.terminalId());
    if (terminalKeys != null && terminalKeys.remove(entry.key) && terminalKeys.isEmpty()) {
      byTerminal.remove(entry.terminalId());
    }
    setDeadline(entry, null);
  }

  void setStatus(LedgerEntry entry, DeliveryStatus status) {
    if (entry.status != status) {
      byStatus.get(entry.status).remove(entry.key);
      byStatus.get(status).add(entry.key);
      entry.status = status;
    }
  }

  /** Replaces the entry's deadline; null clears it. */
  void setDeadline(LedgerEntry entry, @Nullable Instant dueAt) {
    if (entry.deadline != null) {
      deadlines.remove(entry.deadline);
    }
    entry.deadline = dueAt == null ? null : new LedgerEntry.Deadline(dueAt, entry.resultId());
    if (entry.deadline != null) {
      deadlines.add(entry.deadline);
    }
  }

  /** Removes and returns the entry with the earliest deadline at or before {@code now}, if any. */
  @Nullable LedgerEntry pollDue(Instant now) {
    LedgerEntry.Deadline first = deadlines.isEmpty() ? null : deadlines.first();
    if (first == null || first.dueAt().isAfter(now)) {
      return null;
    }
    deadlines.pollFirst();
    LedgerEntry entry = byId.get(first.resultId());
    if (entry != null) {
      entry.deadline = null;
    }
    return entry;
  }

  /** The oldest record of the first non-empty status in eviction order, or null if empty. */
  @Nullable LedgerEntry evictionCandidate() {
    for (DeliveryStatus status : STATUSES) {
      SortKey oldest = oldest(status);
      if (oldest != null) {
        return byId.get(oldest.resultId());
      }
    }
    return null;
  }

  /**
   * Up to {@code limit} entries strictly older than {@code after} (all if null), newest first.
   *
   * @param statuses the statuses to include, not empty
   * @param terminalId only this terminal's records; null for all terminals
   */
  List<LedgerEntry> newestFirst(
      Set<DeliveryStatus> statuses, @Nullable String terminalId, int limit, @Nullable SortKey after) {
    List<LedgerEntry> out = new ArrayList<>(Math.min(limit, 64));
    if (terminalId != null) {
      TreeSet<SortKey> keys = byTerminal.get(terminalId);
      if (keys != null) {
        collect(keys, after, limit, e -> statuses.contains(e.status), out);
      }
      return out;
    }
    for (DeliveryStatus status : statuses) {
      TreeSet<SortKey> keys = byStatus.get(status);
      if (keys != null) {
        collect(keys, after, limit, e -> true, out);
      }
    }
    if (statuses.size() > 1) {
      out.sort((a, b) -> b.key.compareTo(a.key));
      if (out.size() > limit) {
        out.subList(limit, out.size()).clear();
      }
    }
    return out;
  }

  private void collect(
      TreeSet<SortKey> keys,
      @Nullable SortKey after,
      int limit,
      Predicate<LedgerEntry> filter,
      List<LedgerEntry> out) {
    NavigableSet<SortKey> older = after == null ? keys : keys.headSet(after, false);
    int taken = 0;
    for (Iterator<SortKey> it = older.descendingIterator(); it.hasNext() && taken < limit; ) {
      LedgerEntry entry = byId.get(it.next().resultId());
      if (entry != null && filter.test(entry)) {
        out.add(entry);
        taken++;
      }
    }
  }
}
