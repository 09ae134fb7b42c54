/**
 * {@code relayctl admin list|get|retry|stats|watch}: the operator's view of the delivery ledger, a
 * friendly wrapper over admin-api's {@code posrelay.admin.v1.DeliveryAdmin} gRPC calls.
 *
 * <p>Each subcommand is one picocli class ({@code Admin…Command}) sharing {@link
 * io.posrelay.relayctl.admin.AdminOptions} ({@code --admin}, {@code --json}, {@code --timeout-ms},
 * {@code --admin-token-file}, {@code --tls-ca-file});
 * the text output (table, blocks, event lines) is built by small formatters that tests drive
 * directly. A gRPC error is one line {@code error: <STATUS>: <description>} on stderr and exit code
 * 1; a bad option is exit code 2 with a message naming the option.
 */
@NullMarked
package io.posrelay.relayctl.admin;

import org.jspecify.annotations.NullMarked;
