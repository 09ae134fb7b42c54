/**
 * The {@code posrelay.admin.v1.DeliveryAdmin} gRPC service over the delivery ledger, with the
 * standard health and reflection services.
 */
@NullMarked
package io.posrelay.admin.grpc;

import org.jspecify.annotations.NullMarked;
