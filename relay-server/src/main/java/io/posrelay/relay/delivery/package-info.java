/**
 * Delivery of payment results to connected terminals: the terminal registry, in-flight deliveries awaiting the terminal's ack, the acked-result dedup set, recovery of undelivered results on reconnect, and the interfaces to the outside (claim and session publishers, the ledger's undelivered results). No Kafka and no socket: testable with Netty's EmbeddedChannel. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.delivery;

import org.jspecify.annotations.NullMarked;
