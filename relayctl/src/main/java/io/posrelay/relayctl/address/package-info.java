/** {@code HOST:PORT} arguments of the command line, with messages naming the expected form. */
@NullMarked
package io.posrelay.relayctl.address;

import org.jspecify.annotations.NullMarked;
