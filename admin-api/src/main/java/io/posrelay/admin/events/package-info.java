/**
 * The ledger's transitions as they happen: a read_committed consumer of {@code
 * posrelay.delivery-events} from its end, and the bounded fan-out to WatchDeliveryEvents callers.
 */
@NullMarked
package io.posrelay.admin.events;

import org.jspecify.annotations.NullMarked;
