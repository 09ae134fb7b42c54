package io.posrelay.admin.grpc;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * admin-api's gRPC listener: the services of {@link AdminServices} on a Netty server with every
 * inbound bound, plaintext or TLS.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>what</th><th>limit</th><th>beyond it</th></tr>
 *   <tr><td>request message</td><td>{@value #MAX_INBOUND_MESSAGE_BYTES} bytes</td>
 *       <td>RESOURCE_EXHAUSTED</td></tr>
 *   <tr><td>request metadata (headers)</td><td>{@value #MAX_INBOUND_METADATA_BYTES} bytes</td>
 *       <td>refused: advertised as HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE, so a
 *       grpc-java client fails the call itself with INTERNAL; a stream that sends more is
 *       reset</td></tr>
 *   <tr><td>concurrent calls per connection</td><td>{@value #MAX_CONCURRENT_CALLS}</td>
 *       <td>further streams wait (HTTP/2 MAX_CONCURRENT_STREAMS)</td></tr>
 *   <tr><td>TLS handshake</td><td>{@value #HANDSHAKE_TIMEOUT_SECONDS} s</td>
 *       <td>the connection is closed</td></tr>
 *   <tr><td>idle connection</td><td>5 min</td><td>closed with GOAWAY</td></tr>
 *   <tr><td>client keepalive pings</td><td>every 10 s at most</td><td>GOAWAY</td></tr>
 * </table>
 */
public final class GrpcListener {
  /** Largest request message in bytes. */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024;
  /** Largest request metadata (all headers) in bytes. */
  public static final int MAX_INBOUND_METADATA_BYTES = 8 * 1024;
  /** Most calls in flight on one connection. */
  public static final int MAX_CONCURRENT_CALLS = 100;
  /** Time a connection has to finish its TLS handshake (and HTTP/2 preface). */
  public static final int HANDSHAKE_TIMEOUT_SECONDS = 10;

  private GrpcListener() {}

  /**
   * Builds the server; {@link Server#start()} binds it.
   *
   * @param address where to listen; port 0 = a free port
   * @param executor runs the calls (bounded: its queue is admin-api's backpressure)
   * @param tls the server's TLS context; null = plaintext
   * @param service DeliveryAdmin
   * @param health the health service's manager
   * @param auth sees every call first (operator authentication)
   */
  public static Server build(InetSocketAddress address, Executor executor,
      @Nullable SslContext tls, DeliveryAdminService service, HealthStatusManager health,
      ServerInterceptor auth) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address)
            .executor(executor)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
            .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS)
            .handshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .maxConnectionIdle(5, TimeUnit.MINUTES)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    if (tls != null) {
      builder.sslContext(tls);
    }
    return AdminServices.addTo(builder, service, health, auth).build();
  }
}
