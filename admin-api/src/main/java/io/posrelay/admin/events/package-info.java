/**
 * The ledger's transitions as they happen: a read_committed consumer of the delivery-events topic
 * ({@code topic.delivery-events}) from its end, and the bounded fan-out to WatchDeliveryEvents
 * callers.
 */
@NullMarked
package io.posrelay.admin.events;

import org.jspecify.annotations.NullMarked;
