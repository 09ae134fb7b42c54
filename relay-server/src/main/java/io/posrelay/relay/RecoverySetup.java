package io.posrelay.relay;

import static io.posrelay.relay.RelayKeys.ADMIN_ADDRESS;
import static io.posrelay.relay.RelayKeys.ADMIN_TLS_CA_FILE;
import static io.posrelay.relay.RelayKeys.ADMIN_TOKEN;
import static io.posrelay.relay.RelayKeys.ADMIN_TOKEN_FILE;
import static io.posrelay.relay.RelayKeys.MAX_CONCURRENT_RECOVERIES;
import static io.posrelay.runtime.kafka.KafkaKeys.ACK_TIMEOUT;
import static io.posrelay.runtime.kafka.KafkaKeys.CLAIM_DEADLINE;

import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.UndeliveredResults;
import io.posrelay.relay.grpc.GrpcUndeliveredResults;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.time.Clock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Recovery on reconnect, as {@link RelayServer} wires it from its config: the admin-api client
 * that lists a terminal's undelivered results, and the {@link SessionRecovery} that asks it, with
 * its bounds and backoff. With {@code admin-address} empty there is no client: recovery is off.
 */
final class RecoverySetup {
  /** Deadline of each ListDeliveries page asked for during recovery. */
  private static final Duration RECOVERY_DEADLINE = Duration.ofSeconds(3);
  private static final int RECOVERY_MAX_PAGES = 20;
  private static final Duration RECOVERY_FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration RECOVERY_MAX_BACKOFF = Duration.ofSeconds(30);
  private static final Duration RECOVERY_FOLLOW_UP_MARGIN = Duration.ofSeconds(1);

  private RecoverySetup() {}

  /**
   * The admin-api client of recovery, with the operator token and admin TLS CA of the config;
   * null when {@code admin-address} is empty. The caller closes it.
   */
  static @Nullable GrpcUndeliveredResults adminClient(ServiceConfig config, RelayMeters meters) {
    if (config.get(ADMIN_ADDRESS).isEmpty()) {
      return null;
    }
    String token = ListenerKeys.secrets(config, ADMIN_TOKEN_FILE, ADMIN_TOKEN,
        RotatingSecrets.Rule.BEARER_TOKEN).map(RotatingSecrets::currentText).orElse("");
    return GrpcUndeliveredResults.create(config.get(ADMIN_ADDRESS), token,
        config.get(ADMIN_TLS_CA_FILE).orElse(null), RECOVERY_DEADLINE, RECOVERY_MAX_PAGES,
        meters.recoveryClientInterceptor());
  }

  /**
   * The node's session recovery over {@code source}: at most {@code max-concurrent-recoveries}
   * fetches at once, backoff from 1 s to 30 s with full jitter, and a follow-up fetch one claim
   * deadline plus one ack timeout (plus 1 s) after the first answer.
   *
   * @param source the admin-api client, or null: recovery off
   */
  static SessionRecovery recovery(ServiceConfig config, @Nullable UndeliveredResults source,
      DeliveryTracker deliveries, RelayMeters meters, Clock clock) {
    return new SessionRecovery(source, deliveries, meters, clock,
        config.get(CLAIM_DEADLINE), config.get(MAX_CONCURRENT_RECOVERIES),
        RECOVERY_FIRST_BACKOFF, RECOVERY_MAX_BACKOFF,
        config.get(CLAIM_DEADLINE).plus(config.get(ACK_TIMEOUT)).plus(RECOVERY_FOLLOW_UP_MARGIN),
        SessionRecovery::fullJitter);
  }
}
