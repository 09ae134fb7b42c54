/** Simulated POS terminals: Hello with their token, ping, ack every payment result, reconnect. */
@NullMarked
package io.posrelay.testkit.pos;

import org.jspecify.annotations.NullMarked;
