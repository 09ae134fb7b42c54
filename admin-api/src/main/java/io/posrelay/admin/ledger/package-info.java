/**
 * The delivery ledger: every payment result joined with the relay nodes' claims about it, with
 * the claim deadline and the ack-timeout backstop. {@link io.posrelay.admin.ledger.DeliveryLedger}
 * holds the state and knows nothing of Kafka; {@link io.posrelay.admin.ledger.LedgerConsumer} is
 * the only class here that imports {@code org.apache.kafka}.
 */
@NullMarked
package io.posrelay.admin.ledger;

import org.jspecify.annotations.NullMarked;
