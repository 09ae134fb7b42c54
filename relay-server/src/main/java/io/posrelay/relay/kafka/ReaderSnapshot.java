package io.posrelay.relay.kafka;

import io.posrelay.relay.kafka.BroadcastConsumer.ReaderState;

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
public record ReaderSnapshot(String topic, ReaderState state, String detail, int partitions,
    long lagRecords, long sinceLastPollNanos) {}
