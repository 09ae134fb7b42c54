package io.posrelay.it;

import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.ReversalKeys;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the integration tests configure each service: on 127.0.0.1, its port and management port
 * chosen free at start, against the given Kafka, with {@link PosRelayStack}'s deadlines. Each
 * returns the builder, so that a test adds its own keys (TLS, secrets, tuning) before {@code
 * build()}. Stateless.
 */
final class TestConfigs {
  private static final String LOOPBACK = "127.0.0.1";

  private TestConfigs() {}

  /** ilk-ingest: webhook and /metrics on free ports, signatures off, plain HTTP. */
  static ServiceConfig.Builder ingest(String bootstrap) {
    return ServiceConfig.builder(IngestKeys.SPEC)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap)
        .set(ListenerKeys.HOST, LOOPBACK)
        .set(IngestKeys.PORT, 0)
        .set(IngestKeys.MANAGEMENT_PORT, 0);
  }

  /**
   * A relay node called {@code nodeId}: POS listener and /metrics on free ports, authentication
   * off, recovery on reconnect off (set {@link RelayKeys#ADMIN_ADDRESS} to turn it on).
   */
  static ServiceConfig.Builder relay(String bootstrap, String nodeId) {
    return ServiceConfig.builder(RelayKeys.SPEC)
        .set(RelayKeys.NODE_ID, nodeId)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap)
        .set(ListenerKeys.HOST, LOOPBACK)
        .set(RelayKeys.PORT, 0)
        .set(RelayKeys.MANAGEMENT_PORT, 0)
        .set(KafkaKeys.ACK_TIMEOUT, PosRelayStack.ACK_TIMEOUT)
        .set(KafkaKeys.CLAIM_DEADLINE, PosRelayStack.CLAIM_DEADLINE)
        .set(RelayKeys.ADMIN_ADDRESS, "");
  }

  /** The reversal deadline of the tests that are not about it: longer than any of them runs. */
  static final Duration REVERSAL_DEADLINE_OF_OTHER_TESTS = Duration.ofMinutes(10);

  /**
   * admin-api: gRPC and /metrics on free ports, no token, plain gRPC, a ledger committing every
   * 50 ms (so that tests see transitions soon), and a reversal deadline of {@link
   * #REVERSAL_DEADLINE_OF_OTHER_TESTS}: the drills of delivery, restart and outage (a busy machine
   * can stretch them past the production default of 60 s) judge results DELIVERED or FAILED, not
   * reversed. The tests of the reversal decision set their own ({@code ReversalDrillTest}).
   *
   * @param applicationId the ledger's Kafka Streams application id: a fresh one replays the
   *     topics from the beginning (see {@link LedgerHistory#skip}); the id of a stopped instance
   *     takes over that instance's ledger
   */
  static ServiceConfig.Builder admin(String bootstrap, String applicationId, Path stateDir) {
    return ServiceConfig.builder(AdminKeys.SPEC)
        .set(KafkaKeys.BOOTSTRAP_SERVERS, bootstrap)
        .set(ListenerKeys.HOST, LOOPBACK)
        .set(AdminKeys.PORT, 0)
        .set(AdminKeys.MANAGEMENT_PORT, 0)
        .set(KafkaKeys.CLAIM_DEADLINE, PosRelayStack.CLAIM_DEADLINE)
        .set(KafkaKeys.ACK_TIMEOUT, PosRelayStack.ACK_TIMEOUT)
        .set(AdminKeys.APPLICATION_ID, applicationId)
        .set(AdminKeys.STATE_DIR, stateDir)
        .set(AdminKeys.COMMIT_INTERVAL, Duration.ofMillis(50))
        .set(ReversalKeys.DEADLINE, REVERSAL_DEADLINE_OF_OTHER_TESTS);
  }
}
