package io.posrelay.admin.ledger;

import io.posrelay.admin.v1.Delivery;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing, newest first.
 *
 * @param deliveries at most the requested number; may be fewer (even none) while {@code next} is
 *     set, when the scan budget ran out before the page filled
 * @param next where the next page starts (a position, {@link LedgerQueries#list}); null if there
 *     are no more records
 */
public record LedgerPage(List<Delivery> deliveries, @Nullable String next) {}
