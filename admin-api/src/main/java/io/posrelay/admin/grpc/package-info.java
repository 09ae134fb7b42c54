/**
 * The {@code posrelay.admin.v1.DeliveryAdmin} gRPC service over the delivery ledger, with the
 * standard health and reflection services: every unary call bounded by one deadline (5 s at
 * most) and served without holding a thread while it waits, the fan-out to the other instances in
 * parallel, and a listing of one terminal routed to the instance that holds it.
 */
@NullMarked
package io.posrelay.admin.grpc;

import org.jspecify.annotations.NullMarked;
