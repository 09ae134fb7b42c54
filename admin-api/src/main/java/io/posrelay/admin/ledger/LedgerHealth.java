package io.posrelay.admin.ledger;

import io.posrelay.runtime.management.Health;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The ledger's part of admin-api's health, from its Kafka Streams state. Stateless; pure
 * functions.
 *
 * <ul>
 *   <li>Ready only while RUNNING: queries are answered from the local stores, which are complete
 *       only then (not while CREATED, REBALANCING or restoring).
 *   <li>Live unless it stopped for good while admin-api was not stopping it: ERROR (Kafka Streams
 *       gave up, e.g. after {@code LedgerStreams}' stream-thread replacements ran out), or
 *       PENDING_ERROR, NOT_RUNNING, PENDING_SHUTDOWN without a close. Such a ledger never comes
 *       back by itself; the orchestrator should restart the process. A rebalance or a restore is
 *       live.
 * </ul>
 */
public final class LedgerHealth {
  private LedgerHealth() {}

  /**
   * Readiness of a ledger in {@code state}.
   *
   * @param state its state now; null when it is not started yet
   */
  public static Health.Status readiness(KafkaStreams.State state) {
    return state == KafkaStreams.State.RUNNING ? Health.Status.up("RUNNING")
        : Health.Status.down(state + ": queries are UNAVAILABLE until it is RUNNING");
  }

  /**
   * Liveness of a ledger in {@code state}.
   *
   * @param state its state now
   * @param closing whether admin-api is stopping it (then any state is fine)
   */
  public static Health.Status liveness(KafkaStreams.State state, boolean closing) {
    boolean stoppedForGood = state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.NOT_RUNNING
        || state == KafkaStreams.State.PENDING_SHUTDOWN;
    return stoppedForGood && !closing
        ? Health.Status.down(state + ": the ledger stopped and will not come back; see the log")
        : Health.Status.up(state.toString());
  }
}
