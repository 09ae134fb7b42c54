package io.posrelay.testkit.cluster;

import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.testkit.kafka.KafkaTopics;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole POS Relay cluster on this machine, as child processes: an embedded Kafka broker (unless
 * an external one is configured), ilk-ingest, the relay nodes and admin-api (unless {@link
 * LocalClusterConfig#adminApi()} is off), each listening on 127.0.0.1 and logging to {@code
 * <workDir>/logs/<name>.log}; admin-api keeps its ledger state in {@code <workDir>/admin-state},
 * emptied with the broker's data. Each child runs one command of the configuration's {@link
 * ChildLauncher}; {@code relayctl local}, {@code demo} and {@code bench} start their cluster here.
 *
 * <p>{@link #start} returns when the topics exist, every listener accepts connections and every
 * service answers 200 on its management port's {@code /health/ready} (admin-api: its ledger is
 * RUNNING; a relay node: its readers are reading and caught up; ilk-ingest: Kafka answers). {@link
 * #close()} stops the children in reverse start order (SIGTERM, bounded wait, then SIGKILL);
 * idempotent. A child that dies while the cluster runs is logged, not restarted.
 *
 * <p>Thread-safe: the lists of children are guarded by this object's monitor; {@link #start}
 * fills them on the calling thread, {@link #killRelay}, {@link #restartRelay} and {@link #close}
 * may come from any thread.
 */
public final class LocalCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalCluster.class);

  private final LocalClusterConfig config;
  private final List<ChildProcess> children = new ArrayList<>();
  /** The current process of each relay node, by index; replaced by {@link #restartRelay}. */
  private final List<ChildProcess> relays = new ArrayList<>();
  private final List<List<String>> relayArgs = new ArrayList<>();
  private final List<List<Integer>> relayPorts = new ArrayList<>();
  private @Nullable Path logsDir;
  private @Nullable LocalEndpoints endpoints;
  private boolean closed;

  private LocalCluster(LocalClusterConfig config) {
    this.config = config;
  }

  /**
   * Starts the cluster and waits until it is ready.
   *
   * @param config validated configuration
   * @return the running cluster
   * @throws IllegalStateException if a port is in use (checked before anything starts), or a
   *     child exits or is not ready within {@link LocalClusterConfig#startTimeout()} (the message
   *     carries the tail of its log); everything started is stopped again
   * @throws Exception if Kafka does not answer or the topics cannot be created
   */
  public static LocalCluster start(LocalClusterConfig config) throws Exception {
    LocalCluster cluster = new LocalCluster(config);
    try {
      cluster.startAll();
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** Where the cluster listens. */
  public LocalEndpoints endpoints() {
    LocalEndpoints current = endpoints;
    if (current == null) {
      throw new IllegalStateException("cluster not started");
    }
    return current;
  }

  private void startAll() throws Exception {
    boolean embedded = config.externalKafka() == null;
    java.util.Set<Integer> taken = new java.util.HashSet<>(); // each free port picked once
    int kafkaPort = embedded ? LocalPorts.orFree(config.kafkaPort(), taken) : 0;
    int controllerPort = embedded ? LocalPorts.orFree(config.controllerPort(), taken) : 0;
    int ingestPort = LocalPorts.orFree(config.ingestPort(), taken);
    int ingestMetricsPort = LocalPorts.orFree(config.ingestMetricsPort(), taken);
    List<Integer> posPorts = LocalPorts.orFree(config.relayPosPorts(), taken);
    List<Integer> relayMetricsPorts = LocalPorts.orFree(config.relayMetricsPorts(), taken);
    boolean admin = config.adminApi();
    int grpcPort = admin ? LocalPorts.orFree(config.grpcPort(), taken) : 0;
    int adminMetricsPort = admin ? LocalPorts.orFree(config.adminMetricsPort(), taken) : 0;

    Map<String, Integer> ports = new LinkedHashMap<>();
    if (embedded) {
      ports.put("kafka", kafkaPort);
      ports.put("kafka controller", controllerPort);
    }
    ports.put("ilk-ingest", ingestPort);
    ports.put("ilk-ingest metrics", ingestMetricsPort);
    for (int i = 0; i < posPorts.size(); i++) {
      ports.put(nodeId(i) + " POS", posPorts.get(i));
      ports.put(nodeId(i) + " metrics", relayMetricsPorts.get(i));
    }
    if (admin) {
      ports.put("admin-api gRPC", grpcPort);
      ports.put("admin-api metrics", adminMetricsPort);
    }
    checkPortsFree(ports);

    Path logs = config.workDir().resolve("logs");
    logsDir = logs;
    SecureMaterial secure =
        config.secureDir() == null ? null : SecureMaterial.createOrReuse(config.secureDir());
    // In secure mode the embedded broker takes SASL_SSL only, and every client its credentials.
    Map<String, String> kafkaSecurity =
        secure == null || !embedded ? Map.of() : secure.kafkaClientProperties();
    String bootstrap;
    if (embedded) {
      Path kafkaDir = config.workDir().resolve("kafka");
      if (!config.keepData()) {
        deleteRecursively(kafkaDir);
        // The ledger's local state was built from that data: a fresh broker needs a fresh ledger.
        deleteRecursively(config.workDir().resolve("admin-state"));
      }
      List<String> kafkaArgs = new ArrayList<>(List.of(
          "kafka",
          "--data-dir", kafkaDir.toAbsolutePath().toString(),
          "--port", Integer.toString(kafkaPort),
          "--controller-port", Integer.toString(controllerPort),
          "--partitions", Integer.toString(config.partitions())));
      if (secure != null) {
        kafkaArgs.addAll(List.of("--secure-dir", path(secure.dir())));
      }
      ChildProcess kafka = launch("kafka", kafkaArgs, logs);
      kafka.awaitPort(kafkaPort, config.startTimeout());
      bootstrap = LocalPorts.LOOPBACK + ":" + kafkaPort;
    } else {
      bootstrap = config.externalKafka();
    }
    KafkaTopics.awaitReady(bootstrap, kafkaSecurity, config.startTimeout());
    KafkaTopics.create(bootstrap, kafkaSecurity, config.partitions(), config.startTimeout());

    Map<ChildProcess, List<Integer>> awaited = new LinkedHashMap<>();
    Map<ChildProcess, Integer> managementPorts = new LinkedHashMap<>();
    List<String> ingestArgs = new ArrayList<>(serviceArgs("ilk-ingest", bootstrap, ingestPort,
        secure != null && embedded ? secure : null));
    ingestArgs.addAll(List.of("--management-port", Integer.toString(ingestMetricsPort)));
    if (secure != null) {
      ingestArgs.addAll(List.of("--ilk-secret-file", path(secure.ilkSecretFile())));
      ingestArgs.addAll(tlsArgs(secure));
    }
    if (config.ilkReceiptUrl() != null) {
      ingestArgs.addAll(List.of("--ilk-receipt-url", config.ilkReceiptUrl(),
          "--ilk-receipt-secret-file", path(LocalReceiptSecret.file(config.workDir()))));
    }
    ChildProcess ingest = launch("ilk-ingest", ingestArgs, logs);
    awaited.put(ingest, List.of(ingestPort, ingestMetricsPort));
    managementPorts.put(ingest, ingestMetricsPort);
    for (int i = 0; i < posPorts.size(); i++) {
      List<String> args = new ArrayList<>(serviceArgs("relay-server", bootstrap, posPorts.get(i),
          secure != null && embedded ? secure : null));
      args.addAll(
          List.of(
              "--node-id", nodeId(i),
              "--management-port", relayMetricsPorts.get(i).toString(),
              // Recovery on reconnect asks this cluster's ledger for undelivered results.
              "--admin-address", admin ? LocalPorts.LOOPBACK + ":" + grpcPort : ""));
      if (secure != null) {
        args.addAll(List.of(
            "--terminal-secret-file", path(secure.terminalSecretFile()),
            "--admin-token-file", path(secure.operatorTokenFile()),
            "--admin-tls-ca-file", path(secure.caCertFile())));
        args.addAll(tlsArgs(secure));
      }
      args.addAll(config.relayOptions());
      ChildProcess relay = launch(nodeId(i), args, logs);
      synchronized (this) {
        relays.add(relay);
        relayArgs.add(List.copyOf(args));
        relayPorts.add(List.of(posPorts.get(i), relayMetricsPorts.get(i)));
      }
      awaited.put(relay, List.of(posPorts.get(i), relayMetricsPorts.get(i)));
      managementPorts.put(relay, relayMetricsPorts.get(i));
    }
    if (admin) {
      List<String> adminArgs = new ArrayList<>(serviceArgs("admin-api", bootstrap, grpcPort,
          secure != null && embedded ? secure : null));
      adminArgs.addAll(List.of("--management-port", Integer.toString(adminMetricsPort)));
      if (!config.adminOptions().contains("--state-dir")) { // a flag may be given only once
        adminArgs.addAll(List.of("--state-dir", path(config.workDir().resolve("admin-state"))));
      }
      if (secure != null) {
        adminArgs.addAll(List.of(
            "--operator-token-file", path(secure.operatorTokenFile()),
            "--peer-tls-ca-file", path(secure.caCertFile())));
        adminArgs.addAll(tlsArgs(secure));
      }
      adminArgs.addAll(config.adminOptions());
      ChildProcess adminApi = launch("admin-api", adminArgs, logs);
      awaited.put(adminApi, List.of(grpcPort, adminMetricsPort));
      managementPorts.put(adminApi, adminMetricsPort);
    }
    for (Map.Entry<ChildProcess, List<Integer>> entry : awaited.entrySet()) {
      for (int port : entry.getValue()) {
        entry.getKey().awaitPort(port, config.startTimeout());
      }
    }
    for (Map.Entry<ChildProcess, Integer> entry : managementPorts.entrySet()) {
      entry.getKey().awaitHttpOk(readyUrl(entry.getValue()), config.startTimeout());
    }
    endpoints =
        new LocalEndpoints(
            bootstrap, ingestPort, ingestMetricsPort, posPorts, relayMetricsPorts, grpcPort,
            adminMetricsPort,
            displayPath(logs), secure == null ? null : displayPath(secure.dir()));
  }

  /** A service's readiness URL on its (plain HTTP) management port. */
  private static String readyUrl(int managementPort) {
    return "http://" + LocalPorts.LOOPBACK + ":" + managementPort + ManagementServer.READY_PATH;
  }

  /** The listener's certificate and key: the same server certificate for every service. */
  private static List<String> tlsArgs(SecureMaterial secure) {
    return List.of(
        "--tls-cert-file", path(secure.serverCertFile()),
        "--tls-key-file", path(secure.serverKeyFile()));
  }

  private static String path(Path file) {
    return file.toAbsolutePath().toString();
  }

  /**
   * Kills relay node {@code index} (0-based) at once, as {@code kill -9} would: no drain, no
   * claims flushed; its terminals see their connections reset. For {@code demo --chaos}.
   *
   * @throws IndexOutOfBoundsException if there is no such relay node
   * @throws InterruptedException if interrupted while waiting for the process to be gone
   */
  public void killRelay(int index) throws InterruptedException {
    ChildProcess relay;
    synchronized (this) {
      relay = relays.get(index);
    }
    relay.kill();
  }

  /**
   * Starts relay node {@code index} (0-based) again with the same arguments and ports (its log
   * goes to {@code <name>.restart-<n>.log}), and waits until its ports accept connections and it
   * answers 200 on {@code /health/ready}. The old process should be dead ({@link #killRelay}); a
   * live one is stopped gracefully first.
   *
   * @return how long the node took to be ready
   * @throws IndexOutOfBoundsException if there is no such relay node
   * @throws IllegalStateException if the node does not come up within the start timeout
   * @throws IOException if the process cannot be started
   * @throws InterruptedException if interrupted while waiting
   */
  public java.time.Duration restartRelay(int index) throws IOException, InterruptedException {
    ChildProcess old;
    List<String> args;
    List<Integer> ports;
    Path logs;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("cluster closed");
      }
      old = relays.get(index);
      args = relayArgs.get(index);
      ports = relayPorts.get(index);
      logs = logsDir;
    }
    if (logs == null) {
      throw new IllegalStateException("cluster not started");
    }
    old.stop(config.stopTimeout());
    long start = System.nanoTime();
    long restarts;
    synchronized (this) {
      restarts = children.stream().filter(c -> c.name().startsWith(nodeId(index) + ".")).count();
    }
    ChildProcess relay = launch(nodeId(index) + ".restart-" + (restarts + 1), args, logs);
    synchronized (this) {
      relays.set(index, relay);
    }
    for (int port : ports) {
      relay.awaitPort(port, config.startTimeout());
    }
    relay.awaitHttpOk(readyUrl(ports.get(1)), config.startTimeout());
    return java.time.Duration.ofNanos(System.nanoTime() - start);
  }

  /**
   * The operating-system process id of relay node {@code index} (0-based), e.g. to read its
   * memory.
   *
   * @throws IndexOutOfBoundsException if there is no such relay node
   */
  public long relayPid(int index) {
    synchronized (this) {
      return relays.get(index).pid();
    }
  }

  /**
   * The operating-system process id of every child started so far, by name ({@code kafka},
   * {@code ilk-ingest}, {@code relay-1} …), in start order; restarted ones included.
   */
  public synchronized Map<String, Long> pids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    children.forEach(child -> pids.put(child.name(), child.pid()));
    return pids;
  }

  private ChildProcess launch(String name, List<String> args, Path logs) throws IOException {
    ChildProcess child = ChildProcess.start(name, config.launcher(),
        config.javaOptions().apply(name), args, logs.resolve(name + ".log"));
    synchronized (this) {
      children.add(child);
    }
    return child;
  }

  /**
   * The arguments every service starts with; with {@code secure}, its Kafka client settings
   * (SASL_SSL) come from the secure directory's {@code kafka-client.properties}.
   */
  private static List<String> serviceArgs(String service, String bootstrap, int port,
      @Nullable SecureMaterial secure) {
    List<String> args = new ArrayList<>(List.of(
        service, "--kafka", bootstrap, "--host", LocalPorts.LOOPBACK, "--port",
        Integer.toString(port)));
    if (secure != null) {
      args.addAll(List.of("--config", path(secure.kafkaClientConfigFile())));
    }
    return args;
  }

  /** Node id of the i-th relay node (0-based): {@code relay-1}, {@code relay-2}, … */
  public static String nodeId(int index) {
    return "relay-" + (index + 1);
  }

  private static void checkPortsFree(Map<String, Integer> ports) {
    List<String> busy = new ArrayList<>();
    ports.forEach(
        (what, port) -> {
          if (!LocalPorts.isFree(port)) {
            busy.add(port + " (" + what + ")");
          }
        });
    if (!busy.isEmpty()) {
      throw new IllegalStateException(
          "port already in use on " + LocalPorts.LOOPBACK + ": " + String.join(", ", busy)
              + "; stop what holds it or choose other ports");
    }
  }

  private static String displayPath(Path path) {
    Path absolute = path.toAbsolutePath().normalize();
    Path cwd = Path.of("").toAbsolutePath();
    return absolute.startsWith(cwd) ? cwd.relativize(absolute).toString() : absolute.toString();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Stops every child in reverse start order, each within the stop timeout; idempotent. */
  @Override
  public void close() {
    List<ChildProcess> toStop;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toStop = new ArrayList<>(children);
    }
    if (!toStop.isEmpty()) {
      log.info("stopping {} processes", toStop.size());
    }
    for (int i = toStop.size() - 1; i >= 0; i--) {
      toStop.get(i).stop(config.stopTimeout());
    }
  }
}
