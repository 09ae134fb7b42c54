package io.posrelay.relay.kafka;

/**
 * A broadcast reader's state at one moment ({@link BroadcastConsumer#snapshot()}). Immutable.
 *
 * @param topic the topic it reads
 * @param state where it is in its life
 * @param detail one line: what it does, or why it died
 * @param partitions partitions assigned, >= 0
 * @param lagRecords records between its position and the end of its partitions, summed; -1 while
 *     unknown (no fetch has answered since start or since a partition was added)
 * @param sinceLastPollNanos time since its last successful poll (or since it started), >= 0
 */
public record ReaderSnapshot(String topic, State state, String detail, int partitions,
    long lagRecords, long sinceLastPollNanos) {

  /** Where a reader is in its life. */
  public enum State {
    /** Created; {@link BroadcastConsumer#start} has not returned yet. */
    STARTING,
    /** Polling and handing records to the handler. */
    READING,
    /** Died; waiting out the backoff before it resumes. */
    RESTARTING,
    /** Died too often (or on an Error) and gave up; {@link BroadcastConsumer#failure()} is done. */
    FAILED,
    /** Closed. */
    STOPPED
  }
}
