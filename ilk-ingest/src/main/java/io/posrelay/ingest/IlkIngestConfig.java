package io.posrelay.ingest;

import io.posrelay.ingest.signature.IlkSecrets;
import io.posrelay.runtime.tls.PemTls;
import io.posrelay.v1.kafka.Topics;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Immutable, validated configuration of an {@link IlkIngestServer}.
 *
 * <p>Built with {@link #builder()}; {@link Builder#build()} checks every value and throws {@link
 * IllegalArgumentException} with a message naming the key and the expected range, e.g. {@code
 * "publish-timeout.ms: 50 (expected: 100..300000)"}. Keys map to command-line flags by prefixing
 * {@code --} and replacing {@code .} with {@code -} ({@code publish-timeout.ms} → {@code
 * --publish-timeout-ms}). Thread-safe.
 */
public final class IlkIngestConfig {

  /** Default HTTP port: 8080. */
  public static final int DEFAULT_PORT = 8080;
  /** Default publish timeout: 5 s. */
  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
  /** Default maximum request body: 64 KiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
  /** Default bound on receiving one whole request: 10 s. */
  public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);
  /** Default largest distance of a signature's timestamp from the server's clock: 5 min. */
  public static final Duration DEFAULT_SIGNATURE_MAX_SKEW = Duration.ofMinutes(5);

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Set<String> PINNED_PRODUCER_KEYS =
      Set.of("acks", "enable.idempotence", "key.serializer", "value.serializer",
          "bootstrap.servers", "linger.ms", "max.block.ms", "request.timeout.ms",
          "delivery.timeout.ms");

  private final String host;
  private final int port;
  private final String kafkaBootstrap;
  private final String resultsTopic;
  private final Duration publishTimeout;
  private final int maxBodyBytes;
  private final int maxInFlightPublishes;
  private final int maxConnections;
  private final Duration idleTimeout;
  private final Duration shutdownTimeout;
  private final Duration requestDeadline;
  private final @Nullable IlkSecrets signingSecrets;
  private final Duration signatureMaxSkew;
  private final @Nullable Path tlsCertFile;
  private final @Nullable Path tlsKeyFile;
  private final @Nullable SslContext sslContext;
  private final Map<String, String> producerOverrides;

  private IlkIngestConfig(Builder b) {
    host = b.host;
    port = b.port;
    kafkaBootstrap = b.kafkaBootstrap;
    resultsTopic = b.resultsTopic;
    publishTimeout = b.publishTimeout;
    maxBodyBytes = b.maxBodyBytes;
    maxInFlightPublishes = b.maxInFlightPublishes;
    maxConnections = b.maxConnections;
    idleTimeout = b.idleTimeout;
    shutdownTimeout = b.shutdownTimeout;
    requestDeadline = b.requestDeadline;
    signingSecrets = b.signingSecrets;
    signatureMaxSkew = b.signatureMaxSkew;
    tlsCertFile = b.tlsCertFile;
    tlsKeyFile = b.tlsKeyFile;
    sslContext = tlsCertFile == null || tlsKeyFile == null
        ? null : PemTls.server(tlsCertFile, "tls-cert-file", tlsKeyFile, "tls-key-file");
    producerOverrides = Collections.unmodifiableMap(new LinkedHashMap<>(b.producerOverrides));
  }

  /** Returns a builder with every default set; see each setter for the default and range. */
  public static Builder builder() {
    return new Builder();
  }

  /** Bind address, e.g. {@code "0.0.0.0"} (default) or {@code "127.0.0.1"}. */
  public String host() {
    return host;
  }

  /** HTTP port, 0..65535; 0 = a random free port (see {@link IlkIngestServer#port()}). */
  public int port() {
    return port;
  }

  /** Kafka bootstrap servers, {@code HOST:PORT[,HOST:PORT…]}. */
  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  /** Topic the results are produced to; default {@link Topics#RESULTS}. */
  public String resultsTopic() {
    return resultsTopic;
  }

  /** Longest time from receiving a callback to answering it; 503 when the broker has not acked. */
  public Duration publishTimeout() {
    return publishTimeout;
  }

  /** Largest accepted request body in bytes; larger bodies get 413. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Most records waiting for a broker ack at once; more requests get 503. */
  public int maxInFlightPublishes() {
    return maxInFlightPublishes;
  }

  /** Most open HTTP connections; further connections are closed on accept. */
  public int maxConnections() {
    return maxConnections;
  }

  /** A connection that sends nothing for this long is closed. Always > publish timeout. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** Bound on {@link IlkIngestServer#close()}: draining in-flight publishes and the producer. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Longest time from the first byte of a request to its last; a slower request gets 408 and the
   * connection is closed. Also bounds the TLS handshake.
   */
  public Duration requestDeadline() {
    return requestDeadline;
  }

  /** The secrets callbacks must be signed with; empty = signatures are not checked. */
  public Optional<IlkSecrets> signingSecrets() {
    return Optional.ofNullable(signingSecrets);
  }

  /** Largest distance of {@code X-ILK-Timestamp} from the server's clock, either way. */
  public Duration signatureMaxSkew() {
    return signatureMaxSkew;
  }

  /** PEM certificate chain of the HTTPS listener; empty = plain HTTP. */
  public Optional<Path> tlsCertFile() {
    return Optional.ofNullable(tlsCertFile);
  }

  /** PEM PKCS#8 private key of the HTTPS listener; empty = plain HTTP. */
  public Optional<Path> tlsKeyFile() {
    return Optional.ofNullable(tlsKeyFile);
  }

  /** The TLS context built from the files, or null for plain HTTP. */
  @Nullable SslContext sslContext() {
    return sslContext;
  }

  /** Extra Kafka producer properties (e.g. security settings); never the pinned ones. */
  public Map<String, String> producerOverrides() {
    return producerOverrides;
  }

  @Override
  public String toString() {
    return "IlkIngestConfig{host=" + host + ", port=" + port + ", kafka=" + kafkaBootstrap
        + ", topic=" + resultsTopic + ", publish-timeout.ms=" + publishTimeout.toMillis()
        + ", max-body-bytes=" + maxBodyBytes + ", max-in-flight=" + maxInFlightPublishes
        + ", max-connections=" + maxConnections + ", idle-timeout.ms=" + idleTimeout.toMillis()
        + ", shutdown-timeout.ms=" + shutdownTimeout.toMillis()
        + ", request-deadline.ms=" + requestDeadline.toMillis()
        + ", signatures=" + (signingSecrets == null ? "off" : signingSecrets)
        + ", signature-max-skew.ms=" + signatureMaxSkew.toMillis()
        + ", tls=" + (sslContext == null ? "off" : "on") + "}";
  }

  /** Mutable builder of {@link IlkIngestConfig}; not thread-safe. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private String kafkaBootstrap = "127.0.0.1:9092";
    private String resultsTopic = Topics.RESULTS;
    private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxInFlightPublishes = 1024;
    private int maxConnections = 10_000;
    private Duration idleTimeout = Duration.ofSeconds(30);
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration requestDeadline = DEFAULT_REQUEST_DEADLINE;
    private @Nullable IlkSecrets signingSecrets;
    private Duration signatureMaxSkew = DEFAULT_SIGNATURE_MAX_SKEW;
    private @Nullable Path tlsCertFile;
    private @Nullable Path tlsKeyFile;
    private final Map<String, String> producerOverrides = new LinkedHashMap<>();

    private Builder() {}

    /** Key {@code host}: bind address; default {@code "0.0.0.0"}; must not be blank. */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** Key {@code port}: 0..65535, default 8080; 0 = pick a random free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Key {@code kafka}: {@code HOST:PORT[,HOST:PORT…]}, default {@code 127.0.0.1:9092}. */
    public Builder kafkaBootstrap(String kafkaBootstrap) {
      this.kafkaBootstrap = kafkaBootstrap;
      return this;
    }

    /** Key {@code topic}: a legal Kafka topic name, default {@code posrelay.results}. */
    public Builder resultsTopic(String resultsTopic) {
      this.resultsTopic = resultsTopic;
      return this;
    }

    /**
     * Key {@code publish-timeout.ms}: 100 ms..300 s, default 5 s. The callback is answered 503
     * when the broker has not acknowledged within it; also bounds the producer's {@code
     * max.block.ms}, {@code request.timeout.ms} and {@code delivery.timeout.ms}.
     */
    public Builder publishTimeout(Duration publishTimeout) {
      this.publishTimeout = publishTimeout;
      return this;
    }

    /** Key {@code max-body-bytes}: 256..16 MiB, default 64 KiB; larger bodies get 413. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Key {@code max-in-flight}: 1..100000, default 1024 records awaiting a broker ack. */
    public Builder maxInFlightPublishes(int maxInFlightPublishes) {
      this.maxInFlightPublishes = maxInFlightPublishes;
      return this;
    }

    /** Key {@code max-connections}: 1..1000000, default 10000 open connections. */
    public Builder maxConnections(int maxConnections) {
      this.maxConnections = maxConnections;
      return this;
    }

    /** Key {@code idle-timeout.ms}: > publish timeout and ≤ 1 h, default 30 s. */
    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    /** Key {@code shutdown-timeout.ms}: 1 ms..10 min, default 10 s; bounds {@code close()}. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /**
     * Key {@code request-deadline.ms}: 100 ms..1 h, default 10 s. From the first byte of a request
     * to its last; slower gets 408 and the connection is closed. Also the TLS handshake timeout.
     */
    public Builder requestDeadline(Duration requestDeadline) {
      this.requestDeadline = requestDeadline;
      return this;
    }

    /**
     * The secrets that callbacks must be signed with ({@link IlkSecrets#load}); null (default) =
     * signatures are not checked, and the server logs a warning at start.
     */
    public Builder signingSecrets(@Nullable IlkSecrets signingSecrets) {
      this.signingSecrets = signingSecrets;
      return this;
    }

    /**
     * Key {@code signature-max-skew.ms}: 1 s..1 h, default 5 min. A callback whose {@code
     * X-ILK-Timestamp} is further from the server's clock, either way, gets 401 (a replay).
     */
    public Builder signatureMaxSkew(Duration signatureMaxSkew) {
      this.signatureMaxSkew = signatureMaxSkew;
      return this;
    }

    /**
     * Keys {@code tls-cert-file} and {@code tls-key-file}: a PEM certificate chain (the server's
     * first) and its PEM PKCS#8 private key; both or neither (default: neither, plain HTTP).
     */
    public Builder tls(@Nullable Path certFile, @Nullable Path keyFile) {
      this.tlsCertFile = certFile;
      this.tlsKeyFile = keyFile;
      return this;
    }

    /**
     * Adds a Kafka producer property (key {@code producer.<name>}), e.g. {@code
     * security.protocol}. The delivery guarantees are pinned: {@code acks}, {@code
     * enable.idempotence}, the serializers, {@code bootstrap.servers}, {@code linger.ms} and the
     * timeouts derived from the publish timeout cannot be overridden.
     */
    public Builder producerProperty(String name, String value) {
      producerOverrides.put(name, value);
      return this;
    }

    /**
     * Validates and builds (loading the TLS files, if set).
     *
     * @throws IllegalArgumentException naming the first bad key, its value and the expected range
     */
    public IlkIngestConfig build() {
      check(!host.isBlank(), "host", "'" + host + "'", "a host name or address");
      check(port >= 0 && port <= 65535, "port", port, "0..65535");
      check(isBootstrap(kafkaBootstrap), "kafka", "'" + kafkaBootstrap + "'",
          "HOST:PORT[,HOST:PORT...]");
      check(TOPIC.matcher(resultsTopic).matches(), "topic", "'" + resultsTopic + "'",
          "[a-zA-Z0-9._-]{1,249}");
      long publishMs = millis(publishTimeout);
      check(publishMs >= 100 && publishMs <= 300_000, "publish-timeout.ms", publishMs,
          "100..300000");
      check(maxBodyBytes >= 256 && maxBodyBytes <= 16 * 1024 * 1024, "max-body-bytes",
          maxBodyBytes, "256..16777216");
      check(maxInFlightPublishes >= 1 && maxInFlightPublishes <= 100_000, "max-in-flight",
          maxInFlightPublishes, "1..100000");
      check(maxConnections >= 1 && maxConnections <= 1_000_000, "max-connections",
          maxConnections, "1..1000000");
      long idleMs = millis(idleTimeout);
      check(idleMs > publishMs && idleMs <= 3_600_000, "idle-timeout.ms", idleMs,
          "> publish-timeout.ms " + publishMs + " and <= 3600000");
      long shutdownMs = millis(shutdownTimeout);
      check(shutdownMs >= 1 && shutdownMs <= 600_000, "shutdown-timeout.ms", shutdownMs,
          "1..600000");
      long deadlineMs = millis(requestDeadline);
      check(deadlineMs >= 100 && deadlineMs <= 3_600_000, "request-deadline.ms", deadlineMs,
          "100..3600000");
      long skewMs = millis(signatureMaxSkew);
      check(skewMs >= 1000 && skewMs <= 3_600_000, "signature-max-skew.ms", skewMs,
          "1000..3600000");
      check(tlsCertFile != null || tlsKeyFile == null, "tls-cert-file", "not set",
          "set together with tls-key-file");
      check(tlsKeyFile != null || tlsCertFile == null, "tls-key-file", "not set",
          "set together with tls-cert-file");
      for (Map.Entry<String, String> e : producerOverrides.entrySet()) {
        check(!PINNED_PRODUCER_KEYS.contains(e.getKey()), "producer." + e.getKey(),
            "'" + e.getValue() + "'", "not set: pinned by ilk-ingest");
      }
      return new IlkIngestConfig(this);
    }

    private static long millis(Duration d) {
      return d.isNegative() ? -1 : Math.min(d.toMillis(), Long.MAX_VALUE);
    }

    private static boolean isBootstrap(String servers) {
      if (servers.isBlank()) {
        return false;
      }
      for (String server : servers.split(",", -1)) {
        int colon = server.lastIndexOf(':');
        if (colon <= 0 || server.strip().length() != server.length()) {
          return false;
        }
        try {
          int p = Integer.parseInt(server.substring(colon + 1));
          if (p < 1 || p > 65535) {
            return false;
          }
        } catch (NumberFormatException e) {
          return false;
        }
      }
      return true;
    }

    private static void check(boolean ok, String key, Object value, String expected) {
      if (!ok) {
        throw new IllegalArgumentException(key + ": " + value + " (expected: " + expected + ")");
      }
    }
  }
}
