package io.posrelay.relay.delivery;

import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.relay.metrics.SessionMeters;
import java.util.concurrent.RejectedExecutionException;

/**
 * Redelivery from the ledger's delivery events: when a result turns FAILED for a terminal that
 * has a session on this node, the node fetches the terminal's undelivered results again ({@link
 * SessionRecovery#refetch}) and delivers what is still undelivered. This closes the race of a
 * terminal that reconnects here while a result is in flight on its previous session (on this or
 * another node): that result fails with SESSION_REPLACED or CONNECTION_LOST only after the new
 * session's recovery fetch already ran.
 *
 * <p>An event is acted on when its {@code to} is FAILED, the terminal has a session on this node,
 * and that session is not the one the failure happened on: a result that timed out on the very
 * session that holds the terminal (ACK_TIMEOUT) is not pushed again to a terminal that does not
 * ack, which would loop. Failures the ledger took itself (UNCLAIMED, empty session id) are acted
 * on. Whatever the event says, the fetch asks the ledger, so a result that is DELIVERED by then is
 * not redelivered.
 *
 * <p>Thread-safe: {@link #onDeliveryEvent} is called on the consumer's poll thread and hops to the
 * session's event loop.
 */
public final class FailedDeliveryWatcher {
  private final TerminalRegistry registry;
  private final SessionRecovery recovery;
  private final SessionMeters meters;

  /**
   * @param registry the terminals with a session on this node
   * @param recovery fetches and redelivers a terminal's undelivered results
   * @param meters counts what each event led to
   */
  public FailedDeliveryWatcher(
      TerminalRegistry registry, SessionRecovery recovery, SessionMeters meters) {
    this.registry = registry;
    this.recovery = recovery;
    this.meters = meters;
  }

  /**
   * Handles one record of {@code posrelay.delivery-events}. Never blocks.
   *
   * @param event a ledger transition; ignored unless its {@code to} is FAILED
   * @throws MalformedRecordException if a FAILED event names no terminal ({@link
   *     RecordChecks#check(DeliveryEvent)}); the reader logs and counts it with its coordinates
   */
  public void onDeliveryEvent(DeliveryEvent event) {
    if (event.getTo() != DeliveryStatus.DELIVERY_STATUS_FAILED) {
      return;
    }
    RecordChecks.check(event);
    PosSession session = registry.get(event.getTerminalId());
    if (session == null) {
      return; // not here: the terminal's next Hello, wherever it lands, recovers it
    }
    if (session.sessionId().equals(event.getSessionId())) {
      meters.recoveryTrigger(false);
      return;
    }
    meters.recoveryTrigger(true);
    try {
      session.eventLoop().execute(() -> recovery.refetch(session));
    } catch (RejectedExecutionException shuttingDown) {
      // The node is stopping; the ledger keeps the result for the terminal's next session.
    }
  }
}
