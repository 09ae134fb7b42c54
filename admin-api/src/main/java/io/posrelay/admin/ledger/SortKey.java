package io.posrelay.admin.ledger;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a delivery sits in listings: by {@code received_at}, then by {@code result_id}. Natural
 * order is oldest first; listings walk it backwards (newest first). A record's key never changes
 * once the ledger has seen it (a re-published result keeps its first {@code received_at}), so a key
 * is a stable cursor for pagination.
 *
 * @param receivedAt when ilk-ingest accepted the result (or, if the result carries no time, when
 *     admin-api first saw it)
 * @param resultId the result's id, never empty
 */
public record SortKey(Instant receivedAt, String resultId) implements Comparable<SortKey> {
  private static final Comparator<SortKey> ORDER =
      Comparator.comparing(SortKey::receivedAt).thenComparing(SortKey::resultId);

  /**
   * Creates a key.
   *
   * @throws NullPointerException if an argument is null
   */
  public SortKey {
    Objects.requireNonNull(receivedAt, "receivedAt");
    Objects.requireNonNull(resultId, "resultId");
  }

  @Override
  public int compareTo(SortKey other) {
    return ORDER.compare(this, other);
  }
}
