package io.posrelay.relay.delivery;

import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.FailureReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ClaimPublisher} that keeps every claim in memory, for tests. */
public final class RecordingClaims implements ClaimPublisher {
  private final List<DeliveryClaim> claims = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  @Override
  public void publish(DeliveryClaim claim) {
    claims.add(claim);
  }

  @Override
  public void close(Duration timeout) {
    closed = true;
  }

  /** Every claim so far, in publication order. */
  public List<DeliveryClaim> all() {
    return new ArrayList<>(claims);
  }

  /** "outcome" or "outcome/reason" of each claim, e.g. "CLAIMED", "FAILED/ACK_TIMEOUT". */
  public List<String> outcomes() {
    List<String> out = new ArrayList<>();
    for (DeliveryClaim c : claims) {
      String outcome = c.getOutcome().name().substring("OUTCOME_".length());
      out.add(c.getFailureReason() == FailureReason.FAILURE_REASON_UNSPECIFIED
          ? outcome
          : outcome + "/" + c.getFailureReason().name().substring("FAILURE_REASON_".length()));
    }
    return out;
  }

  /** Whether {@link #close(Duration)} was called. */
  public boolean closed() {
    return closed;
  }
}
