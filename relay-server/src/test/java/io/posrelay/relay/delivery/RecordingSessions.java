package io.posrelay.relay.delivery;

import io.posrelay.v1.TerminalSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link SessionPublisher} that keeps every announced session in memory, for tests. */
public final class RecordingSessions implements SessionPublisher {
  private final List<TerminalSession> sessions = new CopyOnWriteArrayList<>();

  @Override
  public void publish(TerminalSession session) {
    sessions.add(session);
  }

  @Override
  public void close(Duration timeout) {}

  /** Every session announced so far, in publication order. */
  public List<TerminalSession> all() {
    return new ArrayList<>(sessions);
  }
}
