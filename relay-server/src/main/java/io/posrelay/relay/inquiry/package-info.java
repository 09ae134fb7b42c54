/**
 * Status inquiries of protocol version 2: a terminal asks what became of one of its results
 * (StatusRequest) or for its newest results (RecentRequest), and the node answers from admin-api's
 * ledger. A terminal only ever sees its own results. An Ack for an undelivered result the
 * terminal learnt of this way counts as its delivery. Internal to relay-server; public only so
 * that {@link io.posrelay.relay.RelayServer} and the POS pipeline can wire it.
 */
@NullMarked
package io.posrelay.relay.inquiry;

import org.jspecify.annotations.NullMarked;
