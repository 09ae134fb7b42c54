package io.posrelay.admin.grpc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ArrayBlockingQueue;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.tls.PemTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * admin-api's gRPC listener: the services of {@link AdminServices} on a Netty server with every
 * inbound bound, plaintext or TLS ({@link #credentials}: grpc-java's own {@link
 * TlsServerCredentials}, TLS 1.3 and 1.2).
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
  /** Calls waiting for a thread of {@link #executor()}; more are refused (RESOURCE_EXHAUSTED). */
  static final int CALL_QUEUE = 256;
  /**
   * grpc-java logs each failed transport (e.g. a client sending garbage instead of the HTTP/2
   * preface) at INFO through java.util.logging, with a stack trace and a hex dump of the
   * client's bytes: an unauthenticated client could flood the log with its own data. Such a
   * connection is closed anyway; only WARNING and above are kept. A strong reference, so that
   * the JUL logger and its level are not garbage-collected.
   */
  private static final java.util.logging.Logger CONNECTIONS_LOG = quietConnections();

  /** Passes every call on untouched. */
  private static final ServerInterceptor NO_METERS = new ServerInterceptor() {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      return next.startCall(call, headers);
    }
  };

  private GrpcListener() {}

  /**
   * The executor of the listener's calls: as many daemon threads ({@code posrelay-admin-grpc-N})
   * as cores (at least 2) and a queue of {@value #CALL_QUEUE} calls. Shut it down with the server.
   */
  public static ThreadPoolExecutor executor() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(CALL_QUEUE), r -> {
          Thread t = new Thread(r, "posrelay-admin-grpc-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private static java.util.logging.Logger quietConnections() {
    java.util.logging.Logger connections = java.util.logging.Logger.getLogger(
        "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections");
    connections.setLevel(java.util.logging.Level.WARNING);
    return connections;
  }

  /**
   * How the listener is secured: TLS from a PEM certificate chain (its own certificate first) and
   * the unencrypted PEM PKCS#8 private key of that certificate, or plaintext. The files are checked
   * by service-runtime's {@link PemTls#checkServerFiles} first, so a bad one is reported naming
   * {@code tls-cert-file} or {@code tls-key-file}; grpc-java then reads them itself.
   *
   * @param certFile the certificate chain ({@code tls-cert-file}); null, with {@code keyFile}
   *     null = plaintext
   * @param keyFile its private key ({@code tls-key-file})
   * @return {@link TlsServerCredentials}, or {@link InsecureServerCredentials} when both are null
   * @throws IllegalArgumentException naming the key of the file that is missing, unreadable, not
   *     PEM, or (the key) not the key of the first certificate; or if only one file is given
   */
  public static ServerCredentials credentials(@Nullable Path certFile, @Nullable Path keyFile) {
    String certKey = ListenerKeys.TLS_CERT_FILE.name();
    String keyKey = ListenerKeys.TLS_KEY_FILE.name();
    if (certFile == null || keyFile == null) {
      if (certFile != null || keyFile != null) {
        throw new IllegalArgumentException((certFile == null ? certKey : keyKey)
            + ": (empty) (expected: set together with "
            + (certFile == null ? keyKey : certKey) + ")");
      }
      return InsecureServerCredentials.create();
    }
    PemTls.checkServerFiles(certFile, certKey, keyFile, keyKey);
    try {
      return TlsServerCredentials.create(certFile.toFile(), keyFile.toFile());
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(certKey + ": " + certFile + " (expected: a certificate"
          + " chain grpc-java can use with " + keyKey + "; " + e.getMessage() + ")", e);
    }
  }

  /**
   * Builds the server without meters; see {@link #build(InetSocketAddress, ServerCredentials,
   * Executor, DeliveryAdminService, HealthStatusManager, ServerInterceptor, ServerInterceptor)}.
   */
  public static Server build(InetSocketAddress address, ServerCredentials credentials,
      Executor executor, DeliveryAdminService service, HealthStatusManager health,
      ServerInterceptor auth) {
    return build(address, credentials, executor, service, health, auth, NO_METERS);
  }

  /**
   * Builds the server; {@link Server#start()} binds it.
   *
   * @param address where to listen; port 0 = a free port
   * @param credentials plaintext or TLS: {@link #credentials}
   * @param executor runs the calls (bounded: its queue is admin-api's backpressure)
   * @param service DeliveryAdmin
   * @param health the health service's manager
   * @param auth sees every call first (operator authentication), after {@code meters}
   * @param meters sees every call before anything else, to count and time it with its final
   *     status (admin-api's {@code AdminMeters#grpcServerInterceptor})
   */
  public static Server build(InetSocketAddress address, ServerCredentials credentials,
      Executor executor, DeliveryAdminService service, HealthStatusManager health,
      ServerInterceptor auth, ServerInterceptor meters) {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(address, credentials)
            .executor(executor)
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .maxInboundMetadataSize(MAX_INBOUND_METADATA_BYTES)
            .maxConcurrentCallsPerConnection(MAX_CONCURRENT_CALLS)
            .handshakeTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
            .maxConnectionIdle(5, TimeUnit.MINUTES)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    // The interceptor added last runs first: meters see the calls auth refuses, with their status.
    return AdminServices.addTo(builder, service, health, auth).intercept(meters).build();
  }
}
