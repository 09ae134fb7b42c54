/**
 * Secure mode of {@code relayctl}: the secrets and certificates that {@code local --secure}
 * creates (or reuses) in one directory, and that {@code pos-sim}, {@code ilk-sim}, {@code demo}
 * and {@code terminal-token} read back with {@code --secure}.
 */
@NullMarked
package io.posrelay.relayctl.secure;

import org.jspecify.annotations.NullMarked;
