/** How a POS Relay process runs: {@link io.posrelay.runtime.ServiceLauncher}. */
@NullMarked
package io.posrelay.runtime;

import org.jspecify.annotations.NullMarked;
