/**
 * Secure mode of {@code relayctl}: {@code --secure} and {@code --secure-dir}, which name the
 * directory of secrets and certificates that {@code local --secure} creates (or reuses) and that
 * {@code pos-sim}, {@code ilk-sim}, {@code demo} and {@code admin} read back; and {@code
 * terminal-token}, which prints a terminal's token.
 */
@NullMarked
package io.posrelay.relayctl.secure;

import org.jspecify.annotations.NullMarked;
