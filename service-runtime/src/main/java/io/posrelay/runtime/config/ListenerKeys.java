package io.posrelay.runtime.config;

import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The keys of a service's listeners that mean the same on every service: the bind address and the
 * TLS certificate and key, with the checks that go with them. Each service defines its own port
 * keys (their defaults differ) with {@link ConfigKey#port} and {@link #managementPort}.
 */
public final class ListenerKeys {
  /** The bind address of every listener of the service. */
  public static final ConfigKey<String> HOST = ConfigKey.string("host", "0.0.0.0",
      Checks.nonBlank(), "Bind address of the service's listeners (its port and management.port).")
      .withValueLabel("ADDRESS");
  /** The listener's certificate chain. */
  public static final ConfigKey<Optional<Path>> TLS_CERT_FILE = ConfigKey.optionalPath(
      "tls-cert-file", "PEM certificate chain of the service's listener, its own certificate"
          + " first; with tls-key-file turns TLS 1.2/1.3 on. Unset = plaintext.");
  /** The listener's private key. */
  public static final ConfigKey<Optional<Path>> TLS_KEY_FILE = ConfigKey.optionalPath(
      "tls-key-file", "Unencrypted PEM PKCS#8 private key of tls-cert-file.");

  private ListenerKeys() {}

  /**
   * The management HTTP port ({@code GET /metrics}), on its own thread.
   *
   * @param defaultPort the service's default
   */
  public static ConfigKey<Integer> managementPort(int defaultPort) {
    return ConfigKey.port("management.port", defaultPort,
        "HTTP port of the management listener: GET /metrics (Prometheus), /health/live and"
            + " /health/ready (200 or 503, JSON).");
  }

  /**
   * Checks that {@link #TLS_CERT_FILE} and {@link #TLS_KEY_FILE} are both set or both unset, and,
   * when set, readable PEM files of a certificate chain and its private key.
   */
  public static ConfigSpec.Constraint tlsFiles() {
    return config -> {
      Optional<Path> cert = config.get(TLS_CERT_FILE);
      Optional<Path> key = config.get(TLS_KEY_FILE);
      if (cert.isPresent() != key.isPresent()) {
        throw cert.isPresent()
            ? config.invalid(TLS_KEY_FILE, "set together with " + TLS_CERT_FILE.name())
            : config.invalid(TLS_CERT_FILE, "set together with " + TLS_KEY_FILE.name());
      }
      if (cert.isPresent()) {
        try {
          PemTls.checkServerFiles(cert.get(), TLS_CERT_FILE.name(), key.get(),
              TLS_KEY_FILE.name());
        } catch (IllegalArgumentException e) {
          throw new InvalidConfigException(e.getMessage());
        }
      }
    };
  }

  /**
   * Loads rotating secrets from a file key or else a secret value key.
   *
   * @throws InvalidConfigException naming the key, as {@link RotatingSecrets#load}
   */
  public static Optional<RotatingSecrets> secrets(ServiceConfig config,
      ConfigKey<Optional<Path>> fileKey, ConfigKey<Optional<String>> valueKey,
      RotatingSecrets.Rule rule) {
    try {
      return RotatingSecrets.load(config.get(fileKey).orElse(null), fileKey.name(),
          config.get(valueKey).orElse(null), valueKey.name(), rule);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(e.getMessage());
    }
  }

  /** A check that {@link #secrets} loads, so a bad secret fails start-up before anything runs. */
  public static ConfigSpec.Constraint secretsLoad(ConfigKey<Optional<Path>> fileKey,
      ConfigKey<Optional<String>> valueKey, RotatingSecrets.Rule rule) {
    return config -> secrets(config, fileKey, valueKey, rule);
  }

  /** A check that a CA file, when set, holds PEM certificates. */
  public static ConfigSpec.Constraint caFile(ConfigKey<Optional<Path>> key) {
    return config -> config.get(key).ifPresent(file -> {
      try {
        PemTls.certificates(file, key.name());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(e.getMessage());
      }
    });
  }
}
