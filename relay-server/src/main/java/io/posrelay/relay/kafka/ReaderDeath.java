package io.posrelay.relay.kafka;

import io.posrelay.relay.metrics.RelayMeters.ConsumerErrorKind;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A broadcast reader died: why, where, and where to resume. Thrown by {@link
 * BroadcastConsumer#pollOnce()} on the poll thread and handled there; never leaves the reader.
 */
final class ReaderDeath extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** FATAL (a Kafka error) or HANDLER_FAILURE. */
  final transient ConsumerErrorKind kind;
  /** The failed record's {@code topic-partition@offset}, or every partition's position. */
  final String coordinates;
  /** Where each partition resumes on restart; partitions not named keep their position. */
  final transient Map<TopicPartition, Long> rewind;

  ReaderDeath(ConsumerErrorKind kind, String coordinates, Throwable cause,
      Map<TopicPartition, Long> rewind) {
    super(coordinates, cause, false, false);
    this.kind = kind;
    this.coordinates = coordinates;
    this.rewind = rewind;
  }

  /** One phrase for the log and the reader's state: what failed, where, and the cause. */
  String what() {
    return (kind == ConsumerErrorKind.HANDLER_FAILURE ? "handler failed" : "Kafka error")
        + " at " + coordinates + ": " + getCause();
  }
}
