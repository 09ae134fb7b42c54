/**
 * The admin-api service's entry points: its configuration keys ({@link
 * io.posrelay.admin.AdminKeys}), the running server ({@link io.posrelay.admin.AdminServer}) and
 * the {@code admin-api} command ({@link io.posrelay.admin.AdminApiCommand}). The delivery ledger
 * lives in {@link io.posrelay.admin.ledger}, the gRPC surface in {@link io.posrelay.admin.grpc},
 * operator authentication in {@link io.posrelay.admin.auth} and the live events in {@link
 * io.posrelay.admin.events}.
 */
@NullMarked
package io.posrelay.admin;

import org.jspecify.annotations.NullMarked;
