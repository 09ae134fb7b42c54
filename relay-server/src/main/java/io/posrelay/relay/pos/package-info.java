/**
 * The POS wire protocol on Netty: framing, the channel pipeline, the connection limit and the per-connection session handler. Internal to relay-server; public only so that {@link io.posrelay.relay.RelayServer} can wire it.
 */
@NullMarked
package io.posrelay.relay.pos;

import org.jspecify.annotations.NullMarked;
