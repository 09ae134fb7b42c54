package io.posrelay.relayctl.admin;

import com.google.common.net.HostAndPort;
import io.grpc.ManagedChannel;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryAdminGrpc.DeliveryAdminBlockingStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to admin-api — plaintext or TLS, with or without the operator token, as {@link
 * AdminCredentials} say — and its {@code DeliveryAdmin} stubs. Not thread-safe except {@link
 * #close()} may race an in-flight call (which it cancels).
 */
final class AdminConnection implements AutoCloseable {
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  private final HostAndPort address;
  private final Duration callTimeout;
  private final ManagedChannel channel;
  private final DeliveryAdminBlockingStub stub;

  private AdminConnection(HostAndPort address, Duration callTimeout, AdminCredentials credentials) {
    this.address = address;
    this.callTimeout = callTimeout;
    this.channel = credentials.open(address);
    this.stub = DeliveryAdminGrpc.newBlockingStub(channel);
  }

  /**
   * Opens a channel; it connects lazily, on the first call.
   *
   * @param address admin-api's gRPC address
   * @param callTimeout deadline of each unary call made through {@link #unary()}, > 0
   * @param credentials the token and TLS trust
   */
  static AdminConnection open(HostAndPort address, Duration callTimeout,
      AdminCredentials credentials) {
    return new AdminConnection(address, callTimeout, credentials);
  }

  /** admin-api's address, for messages. */
  HostAndPort address() {
    return address;
  }

  /** A stub for one unary call, with a deadline of the call timeout from now. */
  DeliveryAdminBlockingStub unary() {
    return stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A stub without a deadline, for the server stream of {@code watch}. */
  DeliveryAdminBlockingStub streaming() {
    return stub;
  }

  /** Cancels any call still running and closes the channel (bounded: 5 s). */
  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
