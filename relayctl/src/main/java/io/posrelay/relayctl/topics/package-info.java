/** {@code relayctl topics}: create and check POS Relay's topics. */
@NullMarked
package io.posrelay.relayctl.topics;

import org.jspecify.annotations.NullMarked;
