package io.posrelay.relay.delivery;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * A bounded, time-limited set of result ids, kept in both size and age: an entry is forgotten
 * after {@code ttl}, or earlier (oldest first) when more than {@code maxEntries} are held. The node
 * keeps two: the ids terminals acked here recently, so that a result re-published by an ILK retry
 * is not delivered again, and the ids the ledger decided REVERSAL_REQUIRED ({@link
 * ReversedResults}), so that such a result is never delivered as an approval again.
 *
 * <p>Thread-safe: split into lock-striped segments so that event loops rarely contend. Result
 * ids in canonical UUID form (as ilk-ingest makes them) are stored as {@link UUID}s, about half
 * the memory of the string; roughly 100 bytes per entry.
 */
public final class RecentResultIds {
  private static final int SEGMENTS = 16;

  private final Segment[] segments = new Segment[SEGMENTS];
  private final long ttlNanos;
  private final LongSupplier nanoTime;

  /**
   * @param maxEntries upper bound on remembered ids, >= 0; 0 remembers nothing ({@link
   *     #contains} is always false)
   * @param ttl how long an id is remembered, > 0
   * @param nanoTime a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
   * @throws IllegalArgumentException if {@code maxEntries} < 0 or {@code ttl} <= 0
   */
  public RecentResultIds(long maxEntries, Duration ttl, LongSupplier nanoTime) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: >= 0)");
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: > 0)");
    }
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
    long perSegment = (maxEntries + SEGMENTS - 1) / SEGMENTS;
    for (int i = 0; i < SEGMENTS; i++) {
      segments[i] = new Segment(perSegment);
    }
  }

  /**
   * Remembers {@code resultId} from now for the ttl (again, if it was held already).
   *
   * @param resultId a result id
   */
  public void add(String resultId) {
    Object key = keyOf(resultId);
    segmentOf(key).add(key, nanoTime.getAsLong() + ttlNanos, nanoTime.getAsLong());
  }

  /**
   * @param resultId a result id
   * @return {@code true} if it was {@link #add added} within the ttl and not evicted since
   */
  public boolean contains(String resultId) {
    Object key = keyOf(resultId);
    return segmentOf(key).contains(key, nanoTime.getAsLong());
  }

  /** The number of ids held, including expired ones not purged yet. */
  public int size() {
    int size = 0;
    for (Segment segment : segments) {
      size += segment.size();
    }
    return size;
  }

  private Segment segmentOf(Object key) {
    int h = key.hashCode();
    return segments[(h ^ (h >>> 16)) & (SEGMENTS - 1)];
  }

  private static Object keyOf(String resultId) {
    if (resultId.length() == 36) {
      try {
        UUID uuid = UUID.fromString(resultId);
        if (uuid.toString().equals(resultId)) {
          return uuid;
        }
      } catch (IllegalArgumentException notAUuid) {
        // fall through: kept as a string
      }
    }
    return resultId;
  }

  /** Insertion order is expiry order, since every entry lives for the same ttl. */
  private static final class Segment {
    private final long maxEntries;
    private final LinkedHashMap<Object, Long> expiries = new LinkedHashMap<>();

    Segment(long maxEntries) {
      this.maxEntries = maxEntries;
    }

    synchronized void add(Object key, long expiresAt, long now) {
      if (maxEntries == 0) {
        return;
      }
      expiries.remove(key);
      expiries.put(key, expiresAt);
      Iterator<Map.Entry<Object, Long>> it = expiries.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<Object, Long> eldest = it.next();
        if (expiries.size() > maxEntries || eldest.getValue() - now <= 0) {
          it.remove();
        } else {
          break;
        }
      }
    }

    synchronized boolean contains(Object key, long now) {
      Long expiresAt = expiries.get(key);
      if (expiresAt == null) {
        return false;
      }
      if (expiresAt - now <= 0) {
        expiries.remove(key);
        return false;
      }
      return true;
    }

    synchronized int size() {
      return expiries.size();
    }
  }
}
