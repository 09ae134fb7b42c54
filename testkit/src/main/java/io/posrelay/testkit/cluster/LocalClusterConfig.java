package io.posrelay.testkit.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Immutable configuration of a {@link LocalCluster}. Build with {@link #builder()}; {@link
 * Builder#build()} validates. A port of 0 means "pick a free port at start" (tests); the defaults
 * are the documented ports of {@code bin/relayctl local}. A builder, not a record: {@code local},
 * the benchmarks and the tests each set a different few of its eighteen keys.
 */
public final class LocalClusterConfig {
  private final Path workDir;
  private final @Nullable String externalKafka;
  private final int kafkaPort;
  private final int controllerPort;
  private final int partitions;
  private final boolean keepData;
  private final int ingestPort;
  private final List<Integer> relayPosPorts;
  private final List<Integer> relayMetricsPorts;
  private final int grpcPort;
  private final int adminMetricsPort;
  private final int ingestMetricsPort;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private final @Nullable Path secureDir;
  private final boolean adminApi;
  private final List<String> relayOptions;
  private final List<String> adminOptions;
  private final Function<String, List<String>> javaOptions;
  private final ChildLauncher launcher;

  private LocalClusterConfig(Builder b) {
    workDir = b.workDir;
    externalKafka = b.externalKafka;
    kafkaPort = b.kafkaPort;
    controllerPort = b.controllerPort;
    partitions = b.partitions;
    keepData = b.keepData;
    ingestPort = b.ingestPort;
    relayPosPorts = List.copyOf(b.relayPosPorts);
    relayMetricsPorts = List.copyOf(b.relayMetricsPorts);
    grpcPort = b.grpcPort;
    adminMetricsPort = b.adminMetricsPort;
    ingestMetricsPort = b.ingestMetricsPort;
    startTimeout = b.startTimeout;
    stopTimeout = b.stopTimeout;
    secureDir = b.secureDir;
    adminApi = b.adminApi;
    relayOptions = List.copyOf(b.relayOptions);
    adminOptions = List.copyOf(b.adminOptions);
    javaOptions = b.javaOptions;
    launcher = b.launcher;
  }

  /**
   * A builder with the defaults of {@code bin/relayctl local}.
   *
   * @param launcher the main class of the child processes
   */
  public static Builder builder(ChildLauncher launcher) {
    return new Builder(launcher);
  }

  /** Directory of the embedded broker's data ({@code kafka/}) and the logs ({@code logs/}). */
  public Path workDir() {
    return workDir;
  }

  /** Bootstrap servers of an existing Kafka; null = start an embedded broker. */
  public @Nullable String externalKafka() {
    return externalKafka;
  }

  /** Embedded broker's client port; 0 = any free port. */
  public int kafkaPort() {
    return kafkaPort;
  }

  /** Embedded broker's controller port; 0 = any free port. */
  public int controllerPort() {
    return controllerPort;
  }

  /** Partitions of each POS Relay topic (and the broker default), >= 1. */
  public int partitions() {
    return partitions;
  }

  /** Whether to keep the embedded broker's data of a previous run (default: start empty). */
  public boolean keepData() {
    return keepData;
  }

  /** ilk-ingest HTTP port; 0 = any free port. */
  public int ingestPort() {
    return ingestPort;
  }

  /** POS ports of the relay nodes; one node per entry (relay-1, relay-2, …); 0 = any free port. */
  public List<Integer> relayPosPorts() {
    return relayPosPorts;
  }

  /** Metrics ports of the relay nodes, same order and size as {@link #relayPosPorts()}. */
  public List<Integer> relayMetricsPorts() {
    return relayMetricsPorts;
  }

  /** admin-api gRPC port; 0 = any free port. */
  public int grpcPort() {
    return grpcPort;
  }

  /** admin-api metrics port; 0 = any free port. */
  public int adminMetricsPort() {
    return adminMetricsPort;
  }

  /** ilk-ingest management (metrics) port; 0 = any free port. */
  public int ingestMetricsPort() {
    return ingestMetricsPort;
  }

  /** Bound for each process to become ready. */
  public Duration startTimeout() {
    return startTimeout;
  }

  /** Bound for each process to stop gracefully before it is killed. */
  public Duration stopTimeout() {
    return stopTimeout;
  }

  /**
   * Secure mode's directory ({@link io.posrelay.testkit.secure.SecureMaterial}): every listener
   * serves TLS with its server certificate, ILK callbacks must be signed, terminals must send
   * their token, admin-api requires the operator token. Null = secure mode off (plain TCP, no
   * checks), the default.
   */
  public @Nullable Path secureDir() {
    return secureDir;
  }

  /**
   * Whether admin-api runs (default). Without it the relay nodes run with recovery on reconnect
   * off ({@code --admin ''}) and the admin-api ports in {@link LocalEndpoints} are 0.
   */
  public boolean adminApi() {
    return adminApi;
  }

  /** Extra {@code relay-server} flags for every relay node, after the cluster's own; may be empty. */
  public List<String> relayOptions() {
    return relayOptions;
  }

  /** Extra {@code admin-api} flags, after the cluster's own, e.g. a state directory; may be empty. */
  public List<String> adminOptions() {
    return adminOptions;
  }

  /**
   * The JVM options of a child by its name ({@code kafka}, {@code ilk-ingest}, {@code relay-1},
   * {@code admin-api}, {@code relay-1.restart-1} …); an empty list means the default of {@code
   * POSRELAY_CHILD_JAVA_OPTS} or a small heap.
   */
  public Function<String, List<String>> javaOptions() {
    return javaOptions;
  }

  /** The main class every child runs, and how to run it by hand. */
  public ChildLauncher launcher() {
    return launcher;
  }

  /** Builder of {@link LocalClusterConfig}; not thread-safe. */
  public static final class Builder {
    private Path workDir = Path.of(".posrelay", "local");
    private @Nullable String externalKafka;
    private int kafkaPort = 9092;
    private int controllerPort = 9093;
    private int partitions = 6;
    private boolean keepData;
    private int ingestPort = 8080;
    private List<Integer> relayPosPorts = List.of(7001, 7002);
    private List<Integer> relayMetricsPorts = List.of(9101, 9102);
    private int grpcPort = 9090;
    private int adminMetricsPort = 9190;
    private int ingestMetricsPort = 9180;
    private Duration startTimeout = Duration.ofSeconds(60);
    // Longer than admin-api's own 20 s bound on closing its ledger (which it may need in full
    // while Kafka is down), so a clean stop is never cut short by SIGKILL.
    private Duration stopTimeout = Duration.ofSeconds(30);
    private @Nullable Path secureDir;
    private boolean adminApi = true;
    private List<String> relayOptions = List.of();
    private List<String> adminOptions = List.of();
    private Function<String, List<String>> javaOptions = name -> List.of();
    private final ChildLauncher launcher;

    private Builder(ChildLauncher launcher) {
      this.launcher = launcher;
    }

    /** See {@link LocalClusterConfig#workDir()}; default {@code .posrelay/local}. */
    public Builder workDir(Path value) {
      workDir = value;
      return this;
    }

    /** See {@link LocalClusterConfig#externalKafka()}; default null (embedded broker). */
    public Builder externalKafka(@Nullable String value) {
      externalKafka = value;
      return this;
    }

    /** See {@link LocalClusterConfig#kafkaPort()}; default 9092. */
    public Builder kafkaPort(int value) {
      kafkaPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#controllerPort()}; default 9093. */
    public Builder controllerPort(int value) {
      controllerPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#partitions()}; default 6. */
    public Builder partitions(int value) {
      partitions = value;
      return this;
    }

    /** See {@link LocalClusterConfig#keepData()}; default false. */
    public Builder keepData(boolean value) {
      keepData = value;
      return this;
    }

    /** See {@link LocalClusterConfig#ingestPort()}; default 8080. */
    public Builder ingestPort(int value) {
      ingestPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#relayPosPorts()}; default 7001, 7002. */
    public Builder relayPosPorts(List<Integer> value) {
      relayPosPorts = value;
      return this;
    }

    /** See {@link LocalClusterConfig#relayMetricsPorts()}; default 9101, 9102. */
    public Builder relayMetricsPorts(List<Integer> value) {
      relayMetricsPorts = value;
      return this;
    }

    /** See {@link LocalClusterConfig#grpcPort()}; default 9090. */
    public Builder grpcPort(int value) {
      grpcPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#ingestMetricsPort()}; default 9180. */
    public Builder ingestMetricsPort(int value) {
      ingestMetricsPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#adminMetricsPort()}; default 9190. */
    public Builder adminMetricsPort(int value) {
      adminMetricsPort = value;
      return this;
    }

    /** See {@link LocalClusterConfig#startTimeout()}; default 60 s. */
    public Builder startTimeout(Duration value) {
      startTimeout = value;
      return this;
    }

    /** See {@link LocalClusterConfig#stopTimeout()}; default 30 s. */
    public Builder stopTimeout(Duration value) {
      stopTimeout = value;
      return this;
    }

    /** See {@link LocalClusterConfig#secureDir()}; default null (secure mode off). */
    public Builder secureDir(@Nullable Path value) {
      secureDir = value;
      return this;
    }

    /** See {@link LocalClusterConfig#adminApi()}; default true. */
    public Builder adminApi(boolean value) {
      adminApi = value;
      return this;
    }

    /** See {@link LocalClusterConfig#relayOptions()}; default none. */
    public Builder relayOptions(List<String> value) {
      relayOptions = value;
      return this;
    }

    /** See {@link LocalClusterConfig#adminOptions()}; default none. */
    public Builder adminOptions(List<String> value) {
      adminOptions = value;
      return this;
    }

    /** See {@link LocalClusterConfig#javaOptions()}; default: every child the default. */
    public Builder javaOptions(Function<String, List<String>> value) {
      javaOptions = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the key, e.g. {@code "partitions: 0 (expected: >=
     *     1)"}
     */
    public LocalClusterConfig build() {
      checkPort("kafka-port", kafkaPort);
      checkPort("controller-port", controllerPort);
      checkPort("ingest-port", ingestPort);
      checkPort("grpc-port", grpcPort);
      checkPort("admin-metrics-port", adminMetricsPort);
      checkPort("ingest-metrics-port", ingestMetricsPort);
      relayPosPorts.forEach(p -> checkPort("relay-ports", p));
      relayMetricsPorts.forEach(p -> checkPort("relay-metrics-ports", p));
      if (relayPosPorts.isEmpty() || relayPosPorts.size() != relayMetricsPorts.size()) {
        throw new IllegalArgumentException(
            "relay-metrics-ports: " + relayMetricsPorts + " (expected: one per relay port "
                + relayPosPorts + ", at least one)");
      }
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
      }
      if (externalKafka != null && externalKafka.isBlank()) {
        throw new IllegalArgumentException("kafka: '' (expected: HOST:PORT)");
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("start-timeout: " + startTimeout + " (expected: > 0)");
      }
      if (stopTimeout.isNegative() || stopTimeout.isZero()) {
        throw new IllegalArgumentException("stop-timeout: " + stopTimeout + " (expected: > 0)");
      }
      return new LocalClusterConfig(this);
    }

    private static void checkPort(String key, int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException(key + ": " + port + " (expected: 0..65535)");
      }
    }
  }
}
