/**
 * The admin-api service: {@link io.posrelay.admin.AdminConfig}, {@link
 * io.posrelay.admin.AdminServer} and the {@code admin-api} command. The delivery ledger lives in
 * {@link io.posrelay.admin.ledger}, the gRPC surface in {@link io.posrelay.admin.grpc}.
 */
@NullMarked
package io.posrelay.admin;

import org.jspecify.annotations.NullMarked;
