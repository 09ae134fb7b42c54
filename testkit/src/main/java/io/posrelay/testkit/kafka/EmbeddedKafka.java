package io.posrelay.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster in this JVM: one KRaft process that is both broker and controller
 * (node id 1), listening on {@code 127.0.0.1} only, with replication factors of 1 for the internal
 * topics. For local runs and demos, never for production.
 *
 * <p>{@link #start} writes {@code server.properties} into the data directory, formats the storage
 * on first use (a kept data directory is reused as is), and starts the server. {@link #close()}
 * shuts it down and waits for it; idempotent. Thread-safe: the server is Kafka's own, and
 * {@link #close()} is synchronized.
 */
public final class EmbeddedKafka implements AutoCloseable {
  /** The only address the broker listens on: {@value}. */
  public static final String HOST = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final KafkaRaftServer server;
  private final int port;
  private boolean closed;

  private EmbeddedKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Formats (if needed) and starts the broker. Returns once the server has started; clients can
   * connect shortly after (poll with an Admin client's describeCluster to be sure).
   *
   * @param dataDir directory for {@code server.properties} and the log directory; created if absent
   * @param port PLAINTEXT listener port on 127.0.0.1, 1..65535
   * @param controllerPort CONTROLLER listener port on 127.0.0.1, 1..65535, not {@code port}
   * @param partitions default partition count of new topics, >= 1
   * @return the running broker
   * @throws IllegalArgumentException if a port or the partition count is out of range
   * @throws IOException if the data directory cannot be written or formatting fails
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort, int partitions)
      throws IOException {
    checkPort("port", port);
    checkPort("controller-port", controllerPort);
    if (port == controllerPort) {
      throw new IllegalArgumentException(
          "controller-port: " + controllerPort + " (expected: different from port)");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
    }
    Path logDir = dataDir.resolve("logs").toAbsolutePath();
    Files.createDirectories(logDir);
    Properties props = serverProperties(logDir, port, controllerPort, partitions);
    Path propsFile = dataDir.resolve("server.properties");
    try (Writer writer = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
      props.store(writer, "POS Relay single-node KRaft broker; written by testkit's EmbeddedKafka");
    }
    if (Files.exists(logDir.resolve("meta.properties"))) {
      log.info("reusing formatted storage in {}", logDir);
    } else {
      format(propsFile);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    return new EmbeddedKafka(server, port);
  }

  /** {@code 127.0.0.1:port}: the bootstrap servers of this broker. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** Blocks until the server has shut down (after {@link #close()} or a fatal error). */
  public void awaitShutdown() {
    server.awaitShutdown();
  }

  /** Shuts the broker down (controlled shutdown) and waits for it; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
  }

  /** The broker configuration; package-private for tests. */
  static Properties serverProperties(Path logDir, int port, int controllerPort, int partitions) {
    String host = HOST;
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("log.dirs", logDir.toString());
    p.setProperty("num.partitions", Integer.toString(partitions));
    p.setProperty("default.replication.factor", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", Integer.toString(partitions));
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    return p;
  }

  private static void format(Path propsFile) throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      code =
          StorageTool.execute(
              new String[] {"format", "-t", clusterId, "-c", propsFile.toString()}, out);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    if (code != 0) {
      throw new IOException("formatting the Kafka storage failed (" + code + "): " + text);
    }
    log.info("formatted Kafka storage in {}, cluster id {}", propsFile.getParent(), clusterId);
    log.debug("storage tool output: {}", text);
  }

  private static void checkPort(String key, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + ": " + port + " (expected: 1..65535)");
    }
  }
}
