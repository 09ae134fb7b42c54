package io.posrelay.testkit.ilk;

import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@link IlkSimulator} run did.
 *
 * @param sent POSTs sent
 * @param accepted 202 responses with a result id: published results
 * @param rejectedByStatus non-202 responses by HTTP status code
 * @param errors requests without a usable response (connection refused, timeout, bad body)
 */
public record IlkSimStats(
    long sent, long accepted, Map<Integer, Long> rejectedByStatus, long errors) {

  /** Copies and sorts the map. */
  public IlkSimStats {
    rejectedByStatus = Map.copyOf(rejectedByStatus);
  }

  /** Rejected responses of every status. */
  public long rejected() {
    return rejectedByStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One line, e.g. {@code sent=100 published(202)=98 rejected={503=2} errors=0}. */
  public String summary() {
    return "sent=" + sent + " published(202)=" + accepted + " rejected="
        + new TreeMap<>(rejectedByStatus) + " errors=" + errors;
  }
}
