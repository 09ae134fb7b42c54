/**
 * The relay-server service: POS terminals connect over TCP, every node reads every payment result from Kafka, and the node that holds a result's terminal delivers it and publishes claims. Entry points: {@link io.posrelay.relay.RelayKeys} (the configuration), {@link io.posrelay.relay.RelayServer}, {@link io.posrelay.relay.RelayServerCommand}.
 */
@NullMarked
package io.posrelay.relay;

import org.jspecify.annotations.NullMarked;
