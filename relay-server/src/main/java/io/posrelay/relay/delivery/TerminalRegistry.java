package io.posrelay.relay.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The terminals connected to this node: terminal id to its current session. At most one
 * session per terminal; a newer session replaces an older one. Thread-safe.
 */
public final class TerminalRegistry {
  private final ConcurrentHashMap<String, PosSession> sessions = new ConcurrentHashMap<>();

  /**
   * Makes {@code session} the terminal's current session.
   *
   * @param session the new session
   * @return the session it replaced, or {@code null} if the terminal had none on this node
   */
  public @Nullable PosSession register(PosSession session) {
    PosSession previous = sessions.put(session.terminalId(), session);
    return previous == session ? null : previous;
  }

  /**
   * Removes {@code session} if it is still its terminal's current session; a session that a
   * newer one already replaced leaves the registry unchanged.
   *
   * @param session the session that ended
   * @return {@code true} if it was removed
   */
  public boolean unregister(PosSession session) {
    return sessions.remove(session.terminalId(), session);
  }

  /**
   * @param terminalId a terminal id (TID)
   * @return its current session on this node, or {@code null} if it is not connected here
   */
  public @Nullable PosSession get(String terminalId) {
    return sessions.get(terminalId);
  }

  /** The number of terminals with a session on this node. */
  public int size() {
    return sessions.size();
  }

  /** A snapshot of the current sessions, in no particular order. */
  public List<PosSession> sessions() {
    return new ArrayList<>(sessions.values());
  }
}
