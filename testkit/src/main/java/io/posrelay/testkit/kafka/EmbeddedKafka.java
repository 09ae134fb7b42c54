package io.posrelay.testkit.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka cluster in this JVM: one KRaft process that is both broker and controller
 * (node id 1), listening on {@code 127.0.0.1} only, with replication factors of 1 for the internal
 * topics. For local runs, demos and tests, never for production.
 *
 * <p>Plaintext, or with {@link SaslSsl} as most managed Kafka services run: the client listener
 * takes SASL_SSL only (SCRAM-SHA-512 over TLS 1.2/1.3, the broker's certificate from a PEM key
 * store), so a plaintext client or a wrong password is refused; the controller listener speaks
 * TLS. The SCRAM credentials are written into the metadata log when the storage is formatted.
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

  /** The SASL mechanism of the secure listener: {@value}. */
  public static final String SCRAM = "SCRAM-SHA-512";

  private final KafkaRaftServer server;
  private final int port;
  private boolean closed;

  /**
   * The secure listener's settings.
   *
   * @param keyStorePem the broker's private key (PKCS#8) followed by its certificate chain, PEM;
   *     the certificate must name 127.0.0.1
   * @param trustStorePem the CA certificates the broker trusts for its own controller connection
   * @param brokerUser the SCRAM user of the broker itself (inter-broker listener)
   * @param brokerPassword its password
   * @param users every other SCRAM user and password to create, e.g. the services'
   */
  public record SaslSsl(Path keyStorePem, Path trustStorePem, String brokerUser,
      String brokerPassword, Map<String, String> users) {
    /** Copies the users. */
    public SaslSsl {
      users = Map.copyOf(users);
    }

    /** Says which users exist, never a password. */
    @Override
    public String toString() {
      return "SaslSsl[" + SCRAM + ", users " + brokerUser + ", " + users.keySet() + "]";
    }

    /**
     * The client properties of {@code user}: SASL_SSL, SCRAM-SHA-512, this CA trusted. Keys as
     * Kafka names them ({@code security.protocol}, ...), without POS Relay's {@code kafka.}
     * prefix.
     */
    public Map<String, String> clientProperties(String user, String password) {
      return Map.of(
          "security.protocol", "SASL_SSL",
          "sasl.mechanism", SCRAM,
          "sasl.jaas.config", jaas(user, password),
          "ssl.truststore.type", "PEM",
          "ssl.truststore.location", trustStorePem.toAbsolutePath().toString());
    }

    /** The JAAS line of a SCRAM login. */
    public static String jaas(String user, String password) {
      return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
          + user + "\" password=\"" + password + "\";";
    }
  }

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
    return start(dataDir, port, controllerPort, partitions, null);
  }

  /**
   * Like {@link #start(Path, int, int, int)}, with the client listener on SASL_SSL only when
   * {@code security} is given. A storage formatted before keeps the users it was formatted with.
   *
   * @param security the secure listener's settings; null = plaintext
   */
  public static EmbeddedKafka start(Path dataDir, int port, int controllerPort, int partitions,
      @Nullable SaslSsl security) throws IOException {
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
    Properties props = serverProperties(logDir, port, controllerPort, partitions, security);
    Path propsFile = dataDir.resolve("server.properties");
    try (Writer writer = Files.newBufferedWriter(propsFile, StandardCharsets.UTF_8)) {
      props.store(writer, "POS Relay single-node KRaft broker; written by testkit's EmbeddedKafka");
    }
    if (Files.exists(logDir.resolve("meta.properties"))) {
      log.info("reusing formatted storage in {}", logDir);
    } else {
      format(propsFile, security);
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
  static Properties serverProperties(Path logDir, int port, int controllerPort, int partitions,
      @Nullable SaslSsl security) {
    String host = HOST;
    String client = security == null ? "PLAINTEXT" : "SASL_SSL";
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
    p.setProperty("listeners",
        client + "://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
    p.setProperty("advertised.listeners", client + "://" + host + ":" + port);
    p.setProperty("listener.security.protocol.map", security == null
        ? "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" : "SASL_SSL:SASL_SSL,CONTROLLER:SSL");
    p.setProperty("inter.broker.listener.name", client);
    p.setProperty("controller.listener.names", "CONTROLLER");
    if (security != null) {
      p.setProperty("sasl.enabled.mechanisms", SCRAM);
      p.setProperty("sasl.mechanism.inter.broker.protocol", SCRAM);
      p.setProperty("listener.name.sasl_ssl." + SCRAM.toLowerCase(Locale.ROOT)
          + ".sasl.jaas.config", SaslSsl.jaas(security.brokerUser(), security.brokerPassword()));
      p.setProperty("ssl.keystore.type", "PEM");
      p.setProperty("ssl.keystore.location", security.keyStorePem().toAbsolutePath().toString());
      p.setProperty("ssl.truststore.type", "PEM");
      p.setProperty("ssl.truststore.location",
          security.trustStorePem().toAbsolutePath().toString());
      p.setProperty("ssl.enabled.protocols", "TLSv1.3,TLSv1.2");
    }
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

  private static void format(Path propsFile, @Nullable SaslSsl security) throws IOException {
    String clusterId = Uuid.randomUuid().toString();
    List<String> args = new ArrayList<>(
        List.of("format", "-t", clusterId, "-c", propsFile.toString()));
    if (security != null) {
      Map<String, String> users = new LinkedHashMap<>(security.users());
      users.put(security.brokerUser(), security.brokerPassword());
      users.forEach((user, password) -> {
        args.add("--add-scram");
        args.add(SCRAM + "=[name=" + user + ",password=" + password + "]");
      });
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(args.toArray(String[]::new), out);
    }
    String text = output.toString(StandardCharsets.UTF_8).trim();
    if (code != 0) {
      throw new IOException("formatting the Kafka storage failed (" + code + "): " + text);
    }
    log.info("formatted Kafka storage in {}, cluster id {}", propsFile.getParent(), clusterId);
    // The tool's output lists the SCRAM records (salted, but still credentials): not logged.
  }

  private static void checkPort(String key, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(key + ": " + port + " (expected: 1..65535)");
    }
  }
}
