package io.posrelay.ingest.receipt;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.runtime.log.ThrottledLog;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receipt sender's offset commits: each partition's {@link PartitionLane#committable()} offset
 * (past the events whose receipts are done), committed once; a failed asynchronous commit is
 * committed again by the next call. Owned by the sender's thread (commit callbacks run there too,
 * inside {@code poll}). Not thread-safe.
 */
final class ReceiptCommits {
  private static final Logger log = LoggerFactory.getLogger(ReceiptCommits.class);

  private final Consumer<String, DeliveryEvent> consumer;
  private final Map<TopicPartition, PartitionLane> lanes;
  private final Map<TopicPartition, Long> committing = new HashMap<>();
  private final ThrottledLog throttled = new ThrottledLog(log);

  /** @param lanes the sender's lanes, read at each commit */
  ReceiptCommits(Consumer<String, DeliveryEvent> consumer,
      Map<TopicPartition, PartitionLane> lanes) {
    this.consumer = consumer;
    this.lanes = lanes;
  }

  private Map<TopicPartition, OffsetAndMetadata> uncommitted(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : parts) {
      PartitionLane lane = lanes.get(tp);
      if (lane != null && lane.committable() >= 0
          && lane.committable() != committing.getOrDefault(tp, -1L)) {
        offsets.put(tp, new OffsetAndMetadata(lane.committable()));
      }
    }
    return offsets;
  }

  /** Commits every lane's progress not committed yet, without waiting. */
  void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> offsets = uncommitted(lanes.keySet());
    if (offsets.isEmpty()) {
      return;
    }
    offsets.forEach((tp, o) -> committing.put(tp, o.offset()));
    consumer.commitAsync(offsets, (committed, e) -> {
      if (e != null) {
        throttled.warn("committing receipt offsets failed ({}); retrying", e.toString());
        committed.forEach((tp, o) -> committing.remove(tp, o.offset()));
      }
    });
  }

  /** Commits the progress of {@code parts}, waiting up to 5 s; a failure is logged. */
  void commitSync(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> offsets = uncommitted(parts);
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, Duration.ofSeconds(5));
      offsets.forEach((tp, o) -> committing.put(tp, o.offset()));
    } catch (RuntimeException e) {
      log.warn("committing receipt offsets {} failed ({}): those receipts are sent again",
          offsets, e.toString());
    }
  }

  /** Forgets a partition that was revoked. */
  void forget(TopicPartition tp) {
    committing.remove(tp);
  }
}
