package io.posrelay.relay.pos;

import com.google.protobuf.Timestamp;
import io.posrelay.pos.v1.Error;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.delivery.PosSession;
import io.posrelay.relay.delivery.RecordChecks;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.TerminalSession;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Session takeover: at most one live session per terminal, cluster-wide. Receives every {@link
 * TerminalSession} announced on {@code posrelay.sessions} (this node's own included) and closes
 * this node's session of that terminal when the announced one is newer: a later connected_at, or
 * the same connected_at and a greater session_id. The closed session gets Error
 * CODE_SESSION_REPLACED, and its results in flight fail with SESSION_REPLACED.
 *
 * <p>A session never closes itself on its own announcement (same session_id), and a late
 * announcement of an older session changes nothing, whichever node it came from. Connected-at
 * times come from the nodes' clocks: skew between nodes larger than the time between a
 * terminal's two Hellos can keep the older session open until it ends by itself.
 *
 * <p>Thread-safe; {@link #accept} never blocks (the close runs on the session's event loop).
 */
public final class SessionTakeover implements Consumer<TerminalSession> {
  private static final Logger log = LoggerFactory.getLogger(SessionTakeover.class);

  private final String nodeId;
  private final TerminalRegistry registry;
  private final RelayMeters meters;

  /**
   * @param nodeId this node's id, for logs
   * @param registry the terminals connected to this node
   * @param meters counts replaced sessions and sent errors
   */
  public SessionTakeover(String nodeId, TerminalRegistry registry, RelayMeters meters) {
    this.nodeId = nodeId;
    this.registry = registry;
    this.meters = meters;
  }

  /**
   * Closes this node's session of the announced terminal if the announced one is newer.
   *
   * @param announced a session read from the sessions topic
   * @throws MalformedRecordException if the announcement is outside the contract (no terminal or
   *     session id, connected_at out of range; {@link RecordChecks#check(TerminalSession)}):
   *     nothing is closed, and the reader logs and counts it with its coordinates
   */
  @Override
  public void accept(TerminalSession announced) {
    RecordChecks.check(announced);
    PosSession local = registry.get(announced.getTerminalId());
    if (local == null || !isNewer(announced, local)) {
      return;
    }
    try {
      local.eventLoop().execute(() -> {
        if (registry.get(local.terminalId()) == local) {
          try (LogContext ignored =
              LogContext.open().terminalId(local.terminalId()).nodeId(nodeId)) {
            log.info("terminal_id={} node_id={} session_id={} replaced by session_id={} on "
                    + "node_id={}", local.terminalId(), nodeId, local.sessionId(),
                announced.getSessionId(), announced.getNodeId());
            replace(local, "session " + announced.getSessionId() + " on node "
                + announced.getNodeId(), true, meters);
          }
        }
      });
    } catch (RejectedExecutionException shuttingDown) {
      local.channel().close();
    }
  }

  /**
   * Whether {@code announced} is a newer session of the same terminal than {@code local}.
   *
   * @param announced a session from the sessions topic
   * @param local this node's session of that terminal
   * @return {@code true} if it is a different session that connected later (ties broken by the
   *     greater session id); {@code false} if its connected_at is out of range
   */
  static boolean isNewer(TerminalSession announced, PosSession local) {
    if (announced.getSessionId().equals(local.sessionId())) {
      return false;
    }
    Timestamp at = announced.getConnectedAt();
    if (!RecordChecks.isValid(at)) {
      return false;
    }
    int byTime = Instant.ofEpochSecond(at.getSeconds(), at.getNanos())
        .compareTo(local.connectedAt());
    return byTime > 0 || (byTime == 0 && announced.getSessionId().compareTo(local.sessionId()) > 0);
  }

  /**
   * Ends {@code old} because its terminal has a newer session: Error CODE_SESSION_REPLACED, then
   * close; its results in flight fail with SESSION_REPLACED. Does nothing if the session is
   * already closing. Call on the old session's event loop.
   *
   * @param old the replaced session
   * @param by the newer session, for the Error message
   * @param remote {@code true} if the newer session is on another node
   * @param meters counts the replacement and the Error
   */
  static void replace(PosSession old, String by, boolean remote, RelayMeters meters) {
    if (old.markClosing(FailureReason.FAILURE_REASON_SESSION_REPLACED)) {
      meters.sessions().replaced(remote);
      PosErrors.sendAndClose(old.channel(), Error.Code.CODE_SESSION_REPLACED,
          "replaced by a newer " + by + " of this terminal", meters);
    }
  }
}
