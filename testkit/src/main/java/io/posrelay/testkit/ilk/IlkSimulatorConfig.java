package io.posrelay.testkit.ilk;

import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.tls.PemTls;
import io.posrelay.testkit.pos.SimTerminals;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of an {@link IlkSimulator}; build with {@link #builder()}, which
 * validates. Keys in error messages are the {@code ilk-sim} option names without dashes.
 *
 * <p>A builder, not a record: {@code ilk-sim} sets every key, but the demo, the benchmark and
 * some twenty tests each set a different few of the fourteen and take the rest as defaults, and
 * some checks span keys ({@code tls-ca-file} only with an https url, the two prefixes differ), so
 * a record's per-copy validation would reject valid configurations half-way through.
 */
public final class IlkSimulatorConfig {
  private final URI url;
  private final double ratePerSecond;
  private final long count;
  private final Duration duration;
  private final Duration ramp;
  private final int terminals;
  private final String terminalPrefix;
  private final double unconnectedRatio;
  private final String unconnectedPrefix;
  private final int maxInFlight;
  private final Duration requestTimeout;
  private final String runId;
  private final long seed;
  private final @Nullable RotatingSecrets signingSecrets;
  private final @Nullable Path tlsCaFile;
  private final @Nullable SSLContext sslContext;

  private IlkSimulatorConfig(Builder b, @Nullable SSLContext sslContext) {
    url = b.url;
    ratePerSecond = b.ratePerSecond;
    count = b.count;
    duration = b.duration;
    ramp = b.ramp;
    terminals = b.terminals;
    terminalPrefix = b.terminalPrefix;
    unconnectedRatio = b.unconnectedRatio;
    unconnectedPrefix = b.unconnectedPrefix;
    maxInFlight = b.maxInFlight;
    requestTimeout = b.requestTimeout;
    runId = b.runId;
    seed = b.seed;
    signingSecrets = b.signingSecrets;
    tlsCaFile = b.tlsCaFile;
    this.sslContext = sslContext;
  }

  /** A builder with the defaults of {@code relayctl ilk-sim}. */
  public static Builder builder() {
    return new Builder();
  }

  /** The webhook, default {@code http://127.0.0.1:8080/ilk/v1/results}. */
  public URI url() {
    return url;
  }

  /** Callbacks sent per second, > 0. */
  public double ratePerSecond() {
    return ratePerSecond;
  }

  /** Callbacks to send in total; 0 = no limit. */
  public long count() {
    return count;
  }

  /** How long to send; {@link Duration#ZERO} = no limit. */
  public Duration duration() {
    return duration;
  }

  /**
   * How long the rate takes to rise evenly from 0 to {@link #ratePerSecond()} at the start
   * ({@link SendSchedule}); {@link Duration#ZERO} = the full rate at once.
   */
  public Duration ramp() {
    return ramp;
  }

  /** Connected terminals addressed, {@code <terminalPrefix>0001…}, >= 1. */
  public int terminals() {
    return terminals;
  }

  /** Prefix of connected terminals' ids; must match {@code pos-sim --terminal-prefix}. */
  public String terminalPrefix() {
    return terminalPrefix;
  }

  /** Fraction 0..1 of callbacks for terminals that no simulator holds. */
  public double unconnectedRatio() {
    return unconnectedRatio;
  }

  /** Prefix of the unconnected terminals' ids (default {@code X}). */
  public String unconnectedPrefix() {
    return unconnectedPrefix;
  }

  /** Requests awaiting a response at most; the sender waits when reached. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** Per-request timeout. */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** Makes transaction ids unique per run: {@code sim-<runId>-<sequence>}. */
  public String runId() {
    return runId;
  }

  /** Seed of the random choices (terminal, amount, unconnected). */
  public long seed() {
    return seed;
  }

  /** The secrets to sign with (the current one is used); empty = callbacks are not signed. */
  public Optional<RotatingSecrets> signingSecrets() {
    return Optional.ofNullable(signingSecrets);
  }

  /** PEM CA certificates that an https webhook's certificate must chain to; empty = the JDK's. */
  public Optional<Path> tlsCaFile() {
    return Optional.ofNullable(tlsCaFile);
  }

  /** The TLS context trusting {@link #tlsCaFile()}, or null for the JDK's default trust. */
  @Nullable SSLContext sslContext() {
    return sslContext;
  }

  /** A builder holding this configuration, to change some of it. */
  public Builder toBuilder() {
    return builder().url(url).ratePerSecond(ratePerSecond).count(count).duration(duration).ramp(ramp)
        .terminals(terminals).terminalPrefix(terminalPrefix).unconnectedRatio(unconnectedRatio)
        .unconnectedPrefix(unconnectedPrefix).maxInFlight(maxInFlight)
        .requestTimeout(requestTimeout).runId(runId).seed(seed).signingSecrets(signingSecrets)
        .tlsCaFile(tlsCaFile);
  }

  /** Builder of {@link IlkSimulatorConfig}; not thread-safe. */
  public static final class Builder {
    private URI url = URI.create("http://127.0.0.1:8080/ilk/v1/results");
    private double ratePerSecond = 10;
    private long count;
    private Duration duration = Duration.ZERO;
    private Duration ramp = Duration.ZERO;
    private int terminals = 10;
    private String terminalPrefix = "T";
    private double unconnectedRatio;
    private String unconnectedPrefix = "X";
    private int maxInFlight = 256;
    private Duration requestTimeout = Duration.ofSeconds(10);
    private String runId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private long seed = ThreadLocalRandom.current().nextLong();
    private @Nullable RotatingSecrets signingSecrets;
    private @Nullable Path tlsCaFile;

    private Builder() {}

    /** See {@link IlkSimulatorConfig#url()}. */
    public Builder url(URI value) {
      url = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#ratePerSecond()}; default 10. */
    public Builder ratePerSecond(double value) {
      ratePerSecond = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#count()}; default 0 (no limit). */
    public Builder count(long value) {
      count = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#duration()}; default zero (no limit). */
    public Builder duration(Duration value) {
      duration = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#ramp()}; default zero (no ramp). */
    public Builder ramp(Duration value) {
      ramp = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#terminals()}; default 10. */
    public Builder terminals(int value) {
      terminals = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#terminalPrefix()}; default {@code T}. */
    public Builder terminalPrefix(String value) {
      terminalPrefix = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#unconnectedRatio()}; default 0. */
    public Builder unconnectedRatio(double value) {
      unconnectedRatio = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#unconnectedPrefix()}; default {@code X}. */
    public Builder unconnectedPrefix(String value) {
      unconnectedPrefix = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#maxInFlight()}; default 256. */
    public Builder maxInFlight(int value) {
      maxInFlight = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#requestTimeout()}; default 10 s. */
    public Builder requestTimeout(Duration value) {
      requestTimeout = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#runId()}; default random. */
    public Builder runId(String value) {
      runId = value;
      return this;
    }

    /** See {@link IlkSimulatorConfig#seed()}; default random. */
    public Builder seed(long value) {
      seed = value;
      return this;
    }

    /**
     * Sign every callback with the current secret ({@code X-ILK-Timestamp}, {@code
     * X-ILK-Signature}, docs/ilk-webhook.md); null (default) = unsigned.
     */
    public Builder signingSecrets(@Nullable RotatingSecrets value) {
      signingSecrets = value;
      return this;
    }

    /** Key {@code tls-ca-file}: PEM CA certificates to trust for an https url; null = JDK's. */
    public Builder tlsCaFile(@Nullable Path value) {
      tlsCaFile = value;
      return this;
    }

    /**
     * Validates and builds (reading the CA file, if set).
     *
     * @throws IllegalArgumentException naming the key, e.g. {@code "rate: -1.0 (expected: >
     *     0)"}
     */
    public IlkSimulatorConfig build() {
      String scheme = url.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "url: " + url + " (expected: http[s]://HOST:PORT/PATH)");
      }
      if (!(ratePerSecond > 0 && ratePerSecond <= 100_000)) {
        throw new IllegalArgumentException("rate: " + ratePerSecond + " (expected: > 0, <= 100000)");
      }
      if (count < 0) {
        throw new IllegalArgumentException("count: " + count + " (expected: >= 0)");
      }
      if (duration.isNegative()) {
        throw new IllegalArgumentException("duration-s: " + duration.toSeconds() + " (expected: >= 0)");
      }
      if (ramp.isNegative()) {
        throw new IllegalArgumentException("ramp-s: " + ramp.toSeconds() + " (expected: >= 0)");
      }
      if (terminals < 1 || terminals > 9999) {
        throw new IllegalArgumentException("terminals: " + terminals + " (expected: 1..9999)");
      }
      SimTerminals.checkPrefix("terminal-prefix", terminalPrefix);
      SimTerminals.checkPrefix("unconnected-prefix", unconnectedPrefix);
      if (unconnectedPrefix.equals(terminalPrefix)) {
        throw new IllegalArgumentException(
            "unconnected-prefix: " + unconnectedPrefix + " (expected: not the terminal prefix)");
      }
      if (!(unconnectedRatio >= 0 && unconnectedRatio <= 1)) {
        throw new IllegalArgumentException(
            "unconnected-ratio: " + unconnectedRatio + " (expected: 0..1)");
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("max-in-flight: " + maxInFlight + " (expected: >= 1)");
      }
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException("request-timeout: " + requestTimeout + " (expected: > 0)");
      }
      if (tlsCaFile != null && !"https".equals(scheme)) {
        throw new IllegalArgumentException(
            "tls-ca-file: " + tlsCaFile + " (expected: only with an https:// url)");
      }
      return new IlkSimulatorConfig(this,
          tlsCaFile == null ? null : PemTls.jdkClient(tlsCaFile, "tls-ca-file"));
    }
  }
}
