package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.Delivery;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a ledger listing, newest first.
 *
 * @param deliveries at most the requested number of deliveries, immutable
 * @param next the key of the last delivery on this page when more may follow (pass it as {@code
 *     after} of the next listing); null when this is the last page
 */
public record LedgerPage(List<Delivery> deliveries, @Nullable SortKey next) {
  /** Copies {@code deliveries} into an immutable list. */
  public LedgerPage {
    deliveries = List.copyOf(deliveries);
  }
}
