/**
 * The gRPC-facing side of relay-server: the client of admin-api's {@code DeliveryAdmin} that
 * finds a terminal's undelivered results for recovery on reconnect, and answers
 * terminals' status inquiries. Only this package imports
 * {@code io.grpc}. Internal to relay-server.
 */
@NullMarked
package io.posrelay.relay.grpc;

import org.jspecify.annotations.NullMarked;
