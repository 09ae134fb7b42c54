/**
 * Delivery of payment results to connected terminals: the terminal registry, in-flight deliveries awaiting the terminal's ack, the acked-result dedup set and the claim publisher interface. No Kafka and no socket: testable with Netty's EmbeddedChannel. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.delivery;

import org.jspecify.annotations.NullMarked;
