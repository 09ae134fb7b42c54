package io.posrelay.relay.kafka;

import java.util.concurrent.CompletableFuture;

/**
 * What a {@link BroadcastConsumer} is doing, as readiness sees it ({@link #snapshot}), and its
 * giving up ({@link #failure}). Written by the poll thread, and by {@code close} when the reader
 * never started; read from any thread: volatile fields, and a future completed at most once.
 */
final class ReaderStatus {
  private final String topic;
  private final CompletableFuture<String> failure = new CompletableFuture<>();
  private volatile ReaderSnapshot.State state = ReaderSnapshot.State.STARTING;
  private volatile String detail = "starting";
  private volatile long lastPollNanos = System.nanoTime();

  /** @param topic the topic the reader reads */
  ReaderStatus(String topic) {
    this.topic = topic;
  }

  /** A poll returned (or the loop is about to poll again): the poll gap starts now. */
  void polled() {
    lastPollNanos = System.nanoTime();
  }

  /** The poll loop runs; {@code detail} says since when or after what. */
  void reading(String detail) {
    this.detail = detail;
    state = ReaderSnapshot.State.READING;
  }

  /** The reader died and waits to restart; {@code detail} says when and why. */
  void restarting(String detail) {
    this.detail = detail;
    state = ReaderSnapshot.State.RESTARTING;
  }

  /** The reader died once too often; {@code detail} says on what. Final. */
  void failed(String detail) {
    this.detail = detail;
    state = ReaderSnapshot.State.FAILED;
  }

  /** Completes {@link #failure} with {@code reason}, one line: the service exits on it. */
  void gaveUp(String reason) {
    failure.complete(reason);
  }

  /** The poll loop ended: STOPPED with detail "stopped", unless it FAILED. */
  void loopEnded() {
    if (state != ReaderSnapshot.State.FAILED) {
      state = ReaderSnapshot.State.STOPPED;
      detail = "stopped";
    }
  }

  /** Closed before the poll loop started. */
  void closedUnstarted() {
    state = ReaderSnapshot.State.STOPPED;
  }

  /** Completes, with one line, when the reader gives up; see {@link BroadcastConsumer#failure}. */
  CompletableFuture<String> failure() {
    return failure;
  }

  /**
   * The reader's state now; READING with its poll thread gone counts as FAILED.
   *
   * @param thread the poll thread
   * @param partitions the reader's partitions, for their count and lag
   */
  ReaderSnapshot snapshot(Thread thread, BroadcastPartitions partitions) {
    ReaderSnapshot.State now = state;
    if (now == ReaderSnapshot.State.READING && !thread.isAlive()) {
      return new ReaderSnapshot(topic, ReaderSnapshot.State.FAILED,
          "poll thread " + thread.getName() + " ended", partitions.count(),
          partitions.lagRecords(), 0);
    }
    return new ReaderSnapshot(topic, now, detail, partitions.count(), partitions.lagRecords(),
        System.nanoTime() - lastPollNanos);
  }
}
