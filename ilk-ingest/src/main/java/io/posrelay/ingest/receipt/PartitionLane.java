package io.posrelay.ingest.receipt;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;

/**
 * One partition's events in memory, in offset order, and the state of the one at the head: only
 * the head is ever being sent, so a receipt that fails holds back the later ones of its partition
 * (per-terminal order, as events are keyed by terminal). Bounded by the caller: it adds records
 * only while the lane is empty (the partition is paused otherwise), so a lane holds at most one
 * poll's records.
 *
 * <p>No I/O, no Kafka: the sender's thread owns it and drives it. Not thread-safe.
 */
final class PartitionLane {
  /** One event: its offset and the receipt it calls for, or null (skipped). */
  record Entry(long offset, @Nullable Receipt receipt) {}

  /** What the head is doing. */
  enum HeadState {
    /** Nothing, or ready to be sent once due. */
    READY,
    /** A POST or a dead-letter send is in flight. */
    IN_FLIGHT
  }

  private final Deque<Entry> entries = new ArrayDeque<>();
  private HeadState headState = HeadState.READY;
  private int failedAttempts;
  private long dueNanos;
  private long committable = -1;
  /** Bumped whenever the head changes: a completion for an older head is stale. */
  private long headGeneration;

  /** Appends one event, in offset order. */
  void add(long offset, @Nullable Receipt receipt) {
    entries.addLast(new Entry(offset, receipt));
  }

  /** Events in memory. */
  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /**
   * Drops the skipped events at the head (those that call for no receipt), advancing the
   * committable offset past them.
   *
   * @return how many were dropped
   */
  int skipNonReceipts() {
    int skipped = 0;
    while (!entries.isEmpty() && entries.peekFirst().receipt() == null) {
      committable = entries.removeFirst().offset() + 1;
      skipped++;
    }
    if (skipped > 0) {
      resetHead();
    }
    return skipped;
  }

  /** The head, if it is ready and due at {@code nowNanos}; else null. */
  @Nullable Entry dueHead(long nowNanos) {
    Entry head = entries.peekFirst();
    if (head == null || head.receipt() == null || headState != HeadState.READY
        || isBackingOff(nowNanos)) {
      return null;
    }
    return head;
  }

  /** The head, whatever its state; null if empty. */
  @Nullable Entry head() {
    return entries.peekFirst();
  }

  /** Marks the head in flight. @return its generation, to recognise its completion */
  long startHead() {
    headState = HeadState.IN_FLIGHT;
    return headGeneration;
  }

  /** Whether {@code generation} is still the head's (not a completion of an older head). */
  boolean isCurrent(long generation) {
    return generation == headGeneration && headState == HeadState.IN_FLIGHT;
  }

  /** The head is done (sent, or dead-lettered): it goes, and its offset becomes committable. */
  Entry completeHead() {
    Entry done = entries.removeFirst();
    committable = done.offset() + 1;
    resetHead();
    return done;
  }

  /**
   * The head's attempt failed: it stays, ready again at {@code dueNanos}.
   *
   * @return the failed attempts of this head so far
   */
  int failHead(long dueNanos) {
    headState = HeadState.READY;
    this.dueNanos = dueNanos;
    return ++failedAttempts;
  }

  /** Attempts of the head that failed so far. */
  int failedAttempts() {
    return failedAttempts;
  }

  /** Whether the head is waiting out a backoff. */
  boolean isBackingOff(long nowNanos) {
    return headState == HeadState.READY && failedAttempts > 0 && nowNanos - dueNanos < 0;
  }

  /** When the head is next due, System.nanoTime()-based; meaningful while backing off. */
  long dueNanos() {
    return dueNanos;
  }

  /** The offset to commit (the next one to read), or -1 if nothing was completed yet. */
  long committable() {
    return committable;
  }

  private void resetHead() {
    headState = HeadState.READY;
    failedAttempts = 0;
    dueNanos = 0;
    headGeneration++;
  }
}
