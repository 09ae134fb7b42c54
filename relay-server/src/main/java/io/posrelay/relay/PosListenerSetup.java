package io.posrelay.relay;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.ssl.SslContext;
import io.posrelay.relay.auth.AuthFailureLimiter;
import io.posrelay.relay.auth.TerminalAuthenticator;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POS listener's protections, as {@link RelayServer} wires them from its config: TLS, the
 * terminal-token check with its failure limit, and TCP keepalive tuned to the heartbeat.
 */
final class PosListenerSetup {
  private static final Logger log = LoggerFactory.getLogger(RelayServer.class);

  private PosListenerSetup() {}

  /** The POS listener's TLS context from the config's PEM files; null (and one INFO) when off. */
  static @Nullable SslContext tls(ServiceConfig config, String nodeId) {
    Optional<Path> cert = config.get(ListenerKeys.TLS_CERT_FILE);
    Optional<Path> key = config.get(ListenerKeys.TLS_KEY_FILE);
    if (cert.isEmpty() || key.isEmpty()) {
      log.info("relay node {}: TLS off on the POS listener (no tls-cert-file/tls-key-file)",
          nodeId);
      return null;
    }
    return PemTls.server(cert.get(), ListenerKeys.TLS_CERT_FILE.name(), key.get(),
        ListenerKeys.TLS_KEY_FILE.name());
  }

  /**
   * The Hello token check with its per-address failure limit; with no terminal secret it accepts
   * any token, and says so in one WARN line.
   */
  static TerminalAuthenticator authenticator(ServiceConfig config, String nodeId,
      RelayMeters meters) {
    TerminalTokens tokens = ListenerKeys.secrets(config, RelayKeys.TERMINAL_SECRET_FILE,
            RelayKeys.TERMINAL_SECRETS, RotatingSecrets.Rule.HMAC_SECRET)
        .map(secrets -> new TerminalTokens(secrets.all()))
        .orElse(null);
    if (tokens == null) {
      log.warn("relay node {}: terminal authentication is OFF: no terminal-secret-file and no "
          + "POSRELAY_TERMINAL_SECRETS, so any Hello.auth_token is accepted", nodeId);
    }
    AuthFailureLimiter limiter = new AuthFailureLimiter(config.get(RelayKeys.AUTH_FAILURES_MAX),
        config.get(RelayKeys.AUTH_FAILURES_WINDOW), config.get(RelayKeys.AUTH_COOLDOWN),
        AuthFailureLimiter.DEFAULT_MAX_ADDRESSES, System::nanoTime);
    meters.gauge(RelayMeters.AUTH_TRACKED_ADDRESSES,
        "Remote addresses with recent failed authentications.", limiter::trackedAddresses);
    return new TerminalAuthenticator(tokens, limiter, meters.sessions());
  }

  /**
   * Half-open connections (a terminal that vanished without FIN) are found by the reader idle
   * timeout (3 heartbeat intervals, in the pipeline) and, below it, by TCP: keepalive probes start
   * after one silent heartbeat interval, and unacknowledged data (a result written to a dead
   * peer) aborts the connection after 3 intervals ({@code TCP_USER_TIMEOUT}). The OS defaults
   * (2 hours) would not help. Linux (epoll) only; with NIO only SO_KEEPALIVE and the idle
   * timeout apply.
   */
  static void keepAliveWithinHeartbeats(ServerBootstrap bootstrap, Duration heartbeat) {
    int intervalSeconds = (int) Math.max(1, heartbeat.toSeconds());
    bootstrap
        .childOption(EpollChannelOption.TCP_KEEPIDLE, intervalSeconds)
        .childOption(EpollChannelOption.TCP_KEEPINTVL, Math.max(1, intervalSeconds / 3))
        .childOption(EpollChannelOption.TCP_KEEPCNT, 3)
        .childOption(EpollChannelOption.TCP_USER_TIMEOUT,
            (int) Math.min(Integer.MAX_VALUE, 3 * heartbeat.toMillis()));
  }
}
