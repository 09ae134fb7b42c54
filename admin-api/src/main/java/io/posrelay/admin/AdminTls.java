package io.posrelay.admin;

import static io.posrelay.admin.AdminKeys.PEER_TLS_CA_FILE;
import static io.posrelay.runtime.config.ListenerKeys.TLS_CERT_FILE;
import static io.posrelay.runtime.config.ListenerKeys.TLS_KEY_FILE;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.posrelay.admin.grpc.GrpcListener;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;

/**
 * admin-api's TLS, as {@link AdminServer} wires it from its config: the gRPC listener's
 * credentials ({@code tls-cert-file}, {@code tls-key-file}) and those of the peer fan-out
 * ({@code peer-tls-ca-file}). A file that changed since the configuration was checked fails
 * start-up as a configuration error.
 */
final class AdminTls {
  private AdminTls() {}

  /**
   * The gRPC listener's credentials: TLS with both files set, plaintext with neither.
   *
   * @throws InvalidConfigException naming the key of a file that is no longer valid
   */
  static ServerCredentials server(ServiceConfig config) {
    try {
      return GrpcListener.credentials(config.get(TLS_CERT_FILE).orElse(null),
          config.get(TLS_KEY_FILE).orElse(null));
    } catch (IllegalArgumentException e) { // a file changed since the configuration was checked
      throw new InvalidConfigException(e.getMessage());
    }
  }

  /**
   * The peer channels' credentials: TLS when this instance's listener is TLS, trusting {@code
   * peer-tls-ca-file} (or the JVM's default trust store); plaintext otherwise.
   *
   * @throws InvalidConfigException naming {@code peer-tls-ca-file} if it cannot be read
   */
  static ChannelCredentials peers(ServiceConfig config) {
    try {
      return Peers.credentials(config.get(TLS_CERT_FILE).isPresent(),
          config.get(PEER_TLS_CA_FILE).orElse(null), PEER_TLS_CA_FILE.name());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
  }
}
