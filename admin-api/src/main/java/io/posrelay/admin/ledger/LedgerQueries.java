package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.ledger.v1.LedgerRecord;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * Reads the ledger through its stores: a record by result_id, listings newest first from the
 * per-status indexes merged over partitions and statuses, and stats from the incremental counts.
 * Nothing here scans the whole store: a listing reads at most {@value #SCAN_BUDGET} index entries
 * per call. A listing of one terminal reads only the partition that holds it, and of its PENDING
 * and FAILED records (a relay's recovery ask) only that terminal's entries of the terminal index.
 * PENDING records' entries are read from the in-memory {@link LedgerStoreNames#PENDING_INDEX}
 * as well as from the durable indexes ({@link PendingIndex}).
 *
 * <p>A listing position is the part of a status-index key after the status ({@link
 * LedgerKeys#position}): inverted received_at and result_id. It is the same whatever the
 * record's status, so a cursor stays valid while records change status, and a record is returned
 * at most once across the pages of one walk.
 *
 * <p>Thread-safe; reads run concurrently with the stream thread.
 */
public final class LedgerQueries {
  /** The most index entries one listing call examines. */
  public static final int SCAN_BUDGET = 20_000;

  private static final Set<DeliveryStatus> ALL =
      EnumSet.range(DeliveryStatus.DELIVERY_STATUS_PENDING,
          DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED);
  /**
   * The statuses the terminal index holds: what a terminal's recovery asks for. A listing for one
   * terminal in these statuses only reads that terminal's entries. REVERSAL_REQUIRED is not among
   * them: a result with a reversal decision is never offered for delivery again.
   */
  static final Set<DeliveryStatus> TERMINAL_INDEXED =
      EnumSet.of(DeliveryStatus.DELIVERY_STATUS_PENDING, DeliveryStatus.DELIVERY_STATUS_FAILED);

  private final Supplier<List<LedgerPartition>> partitions;
  private final ToIntFunction<String> partitionOfTerminal;

  /**
   * @param partitions the stores of every partition this instance holds; throws {@link
   *     LedgerUnavailableException} when they cannot be read
   * @param partitionOfTerminal the partition holding a terminal's records ({@link
   *     LedgerStreams#partitionOfTerminal}), or -1 if unknown: a listing of one terminal's
   *     undelivered records reads only that partition's stores (all of them if -1)
   */
  public LedgerQueries(
      Supplier<List<LedgerPartition>> partitions, ToIntFunction<String> partitionOfTerminal) {
    this.partitions = partitions;
    this.partitionOfTerminal = partitionOfTerminal;
  }

  /**
   * The listing position of {@code delivery}: where it sorts in every listing (newest first), and
   * what a cursor after it is.
   */
  public static String positionOf(Delivery delivery) {
    return LedgerKeys.position(
        DeliveryStateMachine.millis(delivery.getReceivedAt()), delivery.getResultId());
  }

  /**
   * The delivery of {@code resultId} with its timeline, or empty if no partition here holds it.
   *
   * @throws LedgerUnavailableException if the stores cannot be read now
   */
  public Optional<Delivery> get(String resultId) {
    return guarded(
        () -> {
          for (LedgerPartition p : partitions.get()) {
            byte[] bytes = p.records().get(resultId);
            if (bytes != null) {
              return Optional.of(LedgerStore.parse(bytes).getDelivery());
            }
          }
          return Optional.empty();
        });
  }

  /**
   * Lists deliveries newest first (by received_at, then result_id).
   *
   * @param limit the most deliveries to return, >= 1
   * @param after the {@link LedgerPage#next()} of the previous page; null to start at the newest
   * @throws LedgerUnavailableException if the stores cannot be read now
   */
  public LedgerPage list(LedgerQuery query, int limit, @Nullable String after) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: >= 1)");
    }
    return guarded(() -> query.transactionId().isEmpty()
        ? scan(query, limit, after) : lookUp(query, after));
  }

  /**
   * The counts of every partition here, summed.
   *
   * @param nowMs the current epoch millis, for the oldest pending age
   * @throws LedgerUnavailableException if the stores cannot be read now
   */
  public LedgerStats stats(long nowMs) {
    return guarded(
        () -> {
          Map<DeliveryStatus, Long> byStatus = new EnumMap<>(DeliveryStatus.class);
          Map<FailureReason, Long> byReason = new EnumMap<>(FailureReason.class);
          long duplicates = 0;
          long conflicts = 0;
          long oldestReceivedMs = Long.MAX_VALUE;
          for (LedgerPartition p : partitions.get()) {
            for (DeliveryStatus s : ALL) {
              addCount(byStatus, s, p.counts().get(LedgerStoreNames.statusCount(s)));
            }
            for (FailureReason r : FailureReason.values()) {
              if (r != FailureReason.UNRECOGNIZED && r != FailureReason.FAILURE_REASON_UNSPECIFIED) {
                addCount(byReason, r, p.counts().get(LedgerStoreNames.reasonCount(r)));
              }
            }
            Long d = p.counts().get(LedgerStoreNames.DUPLICATES);
            duplicates += d == null ? 0 : d;
            Long c = p.counts().get(LedgerStoreNames.CONFLICTS);
            conflicts += c == null ? 0 : c;
            String prefix = LedgerKeys.statusPrefix(DeliveryStatus.DELIVERY_STATUS_PENDING);
            oldestReceivedMs = Math.min(oldestReceivedMs, oldestReceivedMs(p.byStatus(), prefix));
            oldestReceivedMs = Math.min(oldestReceivedMs,
                oldestReceivedMs(p.pendingIndex(), PendingIndex.STATUS + prefix));
          }
          Duration age =
              oldestReceivedMs == Long.MAX_VALUE
                  ? Duration.ZERO
                  : Duration.ofMillis(Math.max(0, nowMs - oldestReceivedMs));
          return new LedgerStats(byStatus, byReason, age, duplicates, conflicts);
        });
  }

  /**
   * A listing by transaction id: the one record of that transaction (its result_id is derived from
   * the transaction id, {@link IlkResultIds}), if it matches the other filters and sorts after
   * {@code after}. No scan.
   */
  private LedgerPage lookUp(LedgerQuery query, @Nullable String after) {
    String id = IlkResultIds.resultIdOf(query.transactionId());
    Set<DeliveryStatus> statuses = query.statuses().isEmpty() ? ALL : query.statuses();
    for (LedgerPartition p : partitions.get()) {
      byte[] bytes = p.records().get(id);
      if (bytes == null) {
        continue;
      }
      Delivery d = LedgerStore.parse(bytes).getDelivery();
      long receivedAt = DeliveryStateMachine.millis(d.getReceivedAt());
      boolean matches = statuses.contains(d.getStatus())
          && matchesIds(d, query)
          && receivedAt >= query.receivedAfterMs() && receivedAt < query.receivedBeforeMs()
          && (after == null || positionOf(d).compareTo(after) > 0);
      return new LedgerPage(matches ? List.of(d) : List.of(), null);
    }
    return new LedgerPage(List.of(), null);
  }

  private LedgerPage scan(LedgerQuery query, int limit, @Nullable String after) {
    Set<DeliveryStatus> statuses = query.statuses().isEmpty() ? ALL : query.statuses();
    String start = after == null ? "" : after + "\u0000";
    if (query.receivedBeforeMs() != Long.MAX_VALUE) {
      String before = LedgerKeys.inverted(query.receivedBeforeMs() - 1) + "/";
      start = start.compareTo(before) > 0 ? start : before;
    }
    String end =
        query.receivedAfterMs() == Long.MIN_VALUE
            ? LedgerKeys.HIGH
            : LedgerKeys.inverted(query.receivedAfterMs()) + "/" + LedgerKeys.HIGH;
    boolean byTerminal =
        !query.terminalId().isEmpty() && TERMINAL_INDEXED.containsAll(statuses);
    int onlyPartition = query.terminalId().isEmpty()
        ? -1 : partitionOfTerminal.applyAsInt(query.terminalId());
    List<KeyValueIterator<String, String>> open = new ArrayList<>();
    PriorityQueue<Head> heads = new PriorityQueue<>();
    try {
      for (LedgerPartition p : partitions.get()) {
        if (onlyPartition >= 0 && p.partition() != onlyPartition) {
          continue; // the terminal's records are all in its own partition
        }
        for (DeliveryStatus s : statuses) {
          String prefix = byTerminal
              ? LedgerKeys.terminalPrefix(query.terminalId()) + LedgerKeys.statusPrefix(s)
              : LedgerKeys.statusPrefix(s);
          KeyValueIterator<String, String> it = (byTerminal ? p.byTerminal() : p.byStatus())
              .range(prefix + start, prefix + end);
          open.add(it);
          Head.next(it, p, s, prefix.length()).ifPresent(heads::add);
          if (s == DeliveryStatus.DELIVERY_STATUS_PENDING) {
            // Most PENDING records' entries are in memory (PendingIndex), in the same order.
            String inMemory = (byTerminal ? PendingIndex.TERMINAL : PendingIndex.STATUS) + prefix;
            KeyValueIterator<String, String> held =
                p.pendingIndex().range(inMemory + start, inMemory + end);
            open.add(held);
            Head.next(held, p, s, inMemory.length()).ifPresent(heads::add);
          }
        }
      }
      List<Delivery> page = new ArrayList<>(Math.min(limit, 64));
      Set<String> seen = new HashSet<>();
      String lastReturned = null;
      String lastExamined = null;
      int examined = 0;
      while (!heads.isEmpty()) {
        if (examined++ >= SCAN_BUDGET) {
          return new LedgerPage(page, lastExamined);
        }
        Head head = heads.poll();
        Head.next(head.iterator, head.partition, head.status, head.prefixLength)
            .ifPresent(heads::add);
        lastExamined = head.position;
        Delivery d = matching(head, statuses, query);
        if (d == null || !seen.add(d.getResultId())) {
          continue;
        }
        if (page.size() == limit) {
          return new LedgerPage(page, lastReturned); // one more matches: there is a next page
        }
        page.add(d);
        lastReturned = head.position;
      }
      return new LedgerPage(page, null);
    } finally {
      open.forEach(KeyValueIterator::close);
    }
  }

  private static @Nullable Delivery matching(
      Head head, Set<DeliveryStatus> statuses, LedgerQuery query) {
    String id = head.position.substring(20);
    byte[] bytes = head.partition.records().get(id);
    if (bytes == null) {
      return null; // purged since the index was read
    }
    LedgerRecord record = LedgerStore.parse(bytes);
    Delivery d = record.getDelivery();
    if (!statuses.contains(d.getStatus())) {
      return null; // moved to a status not asked for since the index was read
    }
    // A record that moved between two wanted statuses while this call read their indexes may be
    // in both iterators or in one only (each is a snapshot taken when it was opened); its
    // position is the same in every status, so it is returned once, at that position.
    return matchesIds(d, query) ? d : null;
  }

  /** Whether {@code d} matches the query's terminal, merchant, transaction and order ids. */
  private static boolean matchesIds(Delivery d, LedgerQuery query) {
    return (query.terminalId().isEmpty() || query.terminalId().equals(d.getTerminalId()))
        && (query.merchantId().isEmpty() || query.merchantId().equals(d.getMerchantId()))
        && (query.transactionId().isEmpty()
            || query.transactionId().equals(d.getPaymentResult().getTransactionId()))
        && (query.orderId().isEmpty()
            || query.orderId().equals(d.getPaymentResult().getOrderId()));
  }

  /** The received_at of the last (oldest) status-index key under {@code prefix}; MAX if none. */
  private static long oldestReceivedMs(ReadOnlyKeyValueStore<String, String> index,
      String prefix) {
    try (KeyValueIterator<String, String> it =
        index.reverseRange(prefix, prefix + LedgerKeys.HIGH)) {
      if (!it.hasNext()) {
        return Long.MAX_VALUE;
      }
      long inverted = Long.parseLong(it.next().key.substring(prefix.length(),
          prefix.length() + 19));
      return Long.MAX_VALUE - inverted;
    }
  }

  private static <T> T guarded(Supplier<T> read) {
    try {
      return read.get();
    } catch (InvalidStateStoreException e) {
      throw new LedgerUnavailableException("ledger restoring: " + e.getMessage(), e);
    }
  }

  private static <K> void addCount(Map<K, Long> counts, K key, @Nullable Long count) {
    if (count != null && count != 0) {
      counts.merge(key, count, Long::sum);
    }
  }

  /** The next entry of one (partition, status) index iterator. */
  private record Head(
      String position,
      KeyValueIterator<String, String> iterator,
      LedgerPartition partition,
      DeliveryStatus status,
      int prefixLength)
      implements Comparable<Head> {
    static Optional<Head> next(
        KeyValueIterator<String, String> it,
        LedgerPartition partition,
        DeliveryStatus status,
        int prefixLength) {
      if (!it.hasNext()) {
        return Optional.empty();
      }
      KeyValue<String, String> kv = it.next();
      return Optional.of(
          new Head(kv.key.substring(prefixLength), it, partition, status, prefixLength));
    }

    @Override
    public int compareTo(Head other) {
      return position.compareTo(other.position);
    }
  }
}
