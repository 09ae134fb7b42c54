package io.posrelay.ingest;

import static io.posrelay.ingest.IngestKeys.IDLE_TIMEOUT;
import static io.posrelay.ingest.IngestKeys.MAX_BODY_BYTES;
import static io.posrelay.ingest.IngestKeys.MAX_CONNECTIONS;
import static io.posrelay.ingest.IngestKeys.PUBLISH_TIMEOUT;
import static io.posrelay.ingest.IngestKeys.REQUEST_DEADLINE;
import static io.posrelay.ingest.IngestKeys.SIGNATURE_MAX_SKEW;
import static io.posrelay.runtime.config.ListenerKeys.TLS_CERT_FILE;
import static io.posrelay.runtime.config.ListenerKeys.TLS_KEY_FILE;

import io.netty.handler.ssl.SslContext;
import io.posrelay.ingest.http.IlkIngestChannelInitializer;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The webhook listener's protections, as {@link IlkIngestServer} wires them from its config: TLS
 * from the PEM files, and the pipeline's limits and signature check.
 */
final class WebhookSetup {
  private WebhookSetup() {}

  /**
   * The webhook's TLS context from {@code tls-cert-file} and {@code tls-key-file}; null (plain
   * HTTP) unless both are set.
   *
   * @throws InvalidConfigException naming the key if a file became unusable since the
   *     configuration was checked
   */
  static @Nullable SslContext tls(ServiceConfig config) {
    Optional<Path> cert = config.get(TLS_CERT_FILE);
    Optional<Path> key = config.get(TLS_KEY_FILE);
    if (cert.isEmpty() || key.isEmpty()) {
      return null;
    }
    try {
      return PemTls.server(cert.get(), TLS_CERT_FILE.name(), key.get(), TLS_KEY_FILE.name());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
  }

  /**
   * The webhook pipeline's limits and signature check, from the service's keys.
   *
   * @param ilkSecrets the ILK signing secrets; empty = signatures not checked
   */
  static IlkIngestChannelInitializer.Settings settings(ServiceConfig config,
      Optional<RotatingSecrets> ilkSecrets) {
    return new IlkIngestChannelInitializer.Settings(config.get(MAX_CONNECTIONS),
        config.get(MAX_BODY_BYTES), config.get(IDLE_TIMEOUT), config.get(REQUEST_DEADLINE),
        config.get(PUBLISH_TIMEOUT), ilkSecrets, config.get(SIGNATURE_MAX_SKEW));
  }
}
