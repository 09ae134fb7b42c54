/**
 * The delivery ledger on Kafka Streams: every payment result joined with the relay nodes' claims
 * about it, with the claim deadline, the ack-timeout backstop, retention and purge. {@link
 * io.posrelay.admin.ledger.LedgerTopology} builds the topology; {@link
 * io.posrelay.admin.ledger.LedgerQueries} reads its stores (interactive queries). The state machine
 * itself ({@code DeliveryStateMachine}) knows nothing of Kafka.
 */
@NullMarked
package io.posrelay.admin.ledger;

import org.jspecify.annotations.NullMarked;
