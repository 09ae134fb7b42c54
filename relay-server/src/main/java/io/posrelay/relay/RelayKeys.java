package io.posrelay.relay;

import static io.posrelay.runtime.config.KafkaClientRole.Kind.CONSUMER;
import static io.posrelay.runtime.config.KafkaClientRole.Kind.PRODUCER;

import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.config.KafkaClientRole;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.runtime.log.LogKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Every configuration key of a relay node, defined once, and the {@link #SPEC} they form: the
 * flags, environment variables, config-file keys, {@code --help} and docs/configuration.md all
 * come from here. The keys every service shares (Kafka, topics, deadlines, bind address, TLS) are
 * defined in {@code service-runtime} and listed here.
 */
public final class RelayKeys {
  /** This node's id. */
  public static final ConfigKey<String> NODE_ID = ConfigKey.string("node-id", "",
      Checks.matches("([A-Za-z0-9_.-]{1,64})?"),
      "This node's id, in Welcome, claims and sessions; empty = relay-<host name>.");
  /** The POS listener's port. */
  public static final ConfigKey<Integer> PORT =
      ConfigKey.port("port", 7001, "TCP port of the POS listener.");
  /** The management listener's port. */
  public static final ConfigKey<Integer> MANAGEMENT_PORT = ListenerKeys.managementPort(9101);
  /** Terminal ping interval. */
  public static final ConfigKey<Duration> HEARTBEAT_INTERVAL = ConfigKey.millis(
      "heartbeat-interval.ms", Duration.ofSeconds(10), Checks.between(100, 600_000),
      "How often terminals must ping, sent in Welcome; a silent connection is closed after 3"
          + " intervals.");
  /** Largest inbound frame. */
  public static final ConfigKey<Integer> MAX_FRAME_BYTES = ConfigKey.integer("max-frame-bytes",
      16 * 1024, Checks.between(64, 16 * 1024 * 1024),
      "Largest inbound POS frame in bytes, without its length prefix.");
  /** Most open POS connections. */
  public static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.integer("max-connections",
      200_000, Checks.atLeast(1), "Most open POS connections; more get Error CODE_OVERLOADED.");
  /** Most acked result ids remembered. */
  public static final ConfigKey<Long> DEDUP_MAX_ENTRIES = ConfigKey.longInteger(
      "dedup.max-entries", 1_000_000, Checks.atLeast(0),
      "Most acked result ids remembered so that ILK retries are not delivered again; 0 = off.");
  /** How long an acked result id is remembered. */
  public static final ConfigKey<Duration> DEDUP_TTL = ConfigKey.millis("dedup.ttl.ms",
      Duration.ofMinutes(15), Checks.atLeast(1), "How long an acked result id is remembered.");
  /** Most REVERSAL_REQUIRED result ids remembered. */
  public static final ConfigKey<Long> REVERSALS_MAX_ENTRIES = ConfigKey.longInteger(
      "reversals.max-entries", 100_000, Checks.atLeast(0),
      "Most result ids the ledger decided REVERSAL_REQUIRED that this node remembers (read from"
          + " posrelay.delivery-events, with recovery on) so that an ILK retry of such a callback"
          + " is never delivered; about 100 bytes each, the oldest forgotten first; 0 = off.");
  /** How long a REVERSAL_REQUIRED result id is remembered. */
  public static final ConfigKey<Duration> REVERSALS_TTL = ConfigKey.millis("reversals.ttl.ms",
      Duration.ofHours(24), Checks.atLeast(1),
      "How long a REVERSAL_REQUIRED result id is remembered: longer than ILK retries a callback"
          + " (it stops at the reversal deadline); past it a retry is delivered and its ack is a"
          + " conflict in the ledger.");
  /** The shutdown drain. */
  public static final ConfigKey<Duration> SHUTDOWN_DRAIN = ConfigKey.millis("shutdown-drain.ms",
      Duration.ofSeconds(5), Checks.atLeast(0),
      "At shutdown, how long results in flight may still be acked before they fail with"
          + " NODE_SHUTDOWN; capped by ack-timeout.ms.");
  /** How often added partitions are looked for. */
  public static final ConfigKey<Duration> PARTITION_REFRESH = ConfigKey.millis(
      "partition-refresh.ms", Duration.ofSeconds(30), Checks.atLeast(1000),
      "How often the broadcast readers look for partitions added to their topics.");
  /** admin-api's address for recovery. */
  public static final ConfigKey<String> ADMIN_ADDRESS = ConfigKey.string("admin.address",
      "127.0.0.1:9090", Checks.hostAndPortOrEmpty(),
      "admin-api's gRPC address, asked for a terminal's undelivered results after its Hello"
          + " (recovery on reconnect) and for terminals' status inquiries; empty = recovery off,"
          + " and inquiries are answered with Error CODE_UNAVAILABLE.").withValueLabel("HOST:PORT");
  /** Recovery asks in flight. */
  public static final ConfigKey<Integer> MAX_CONCURRENT_RECOVERIES = ConfigKey.integer(
      "max-concurrent-recoveries", 16, Checks.atLeast(1),
      "Most recovery asks (ListDeliveries) in flight to admin-api; other sessions' asks wait"
          + " their turn.");
  /** Status inquiries in flight on the node. */
  public static final ConfigKey<Integer> MAX_CONCURRENT_INQUIRIES = ConfigKey.integer(
      "max-concurrent-inquiries", 256, Checks.between(1, 100_000),
      "Most status inquiries (POS protocol v2 StatusRequest, RecentRequest) waiting for"
          + " admin-api on this node; one more is answered at once with Error CODE_UNAVAILABLE.");
  /** Status inquiries in flight on one session. */
  public static final ConfigKey<Integer> MAX_INQUIRIES_PER_SESSION = ConfigKey.integer(
      "max-inquiries-per-session", 4, Checks.between(1, 1000),
      "Most status inquiries of one terminal's session waiting for admin-api; one more is"
          + " answered at once with Error CODE_UNAVAILABLE.");
  /** The deadline of an inquiry's call to admin-api. */
  public static final ConfigKey<Duration> INQUIRY_TIMEOUT = ConfigKey.millis(
      "inquiry-timeout.ms", Duration.ofSeconds(2), Checks.between(100, 60_000),
      "Deadline of each status inquiry's call to admin-api; past it the terminal gets Error"
          + " CODE_UNAVAILABLE.");
  /** Claims (and session announcements) awaiting Kafka. */
  public static final ConfigKey<Integer> MAX_IN_FLIGHT_PUBLISHES = ConfigKey.integer(
      "max-in-flight-publishes", 20_000, Checks.between(1, 1_000_000),
      "Most claims, and apart from them most session announcements, handed to Kafka and not yet"
          + " acknowledged. Sends run off the POS event loops; beyond this (or at once while"
          + " Kafka does not answer) one is dropped and counted: posrelay.relay.claims.dropped,"
          + " posrelay.relay.sessions.dropped.");
  /** Outbound buffer low watermark. */
  public static final ConfigKey<Integer> WRITE_BUFFER_LOW_BYTES = ConfigKey.integer(
      "write-buffer.low-bytes", 32 * 1024, Checks.atLeast(1),
      "A terminal's outbound buffer is writable again below this many bytes.");
  /** Outbound buffer high watermark. */
  public static final ConfigKey<Integer> WRITE_BUFFER_HIGH_BYTES = ConfigKey.integer(
      "write-buffer.high-bytes", 64 * 1024, Checks.between(2, 64 << 20),
      "Above this many bytes a terminal's outbound buffer is unwritable: a result for it fails"
          + " with WRITE_FAILED; more than write-buffer.low-bytes.");
  /** How long a terminal may not read. */
  public static final ConfigKey<Duration> WRITE_STALL_TIMEOUT = ConfigKey.millis(
      "write-stall-timeout.ms", Duration.ofSeconds(10), Checks.atLeast(1),
      "How long a terminal's outbound buffer may stay above the high watermark before its results"
          + " in flight fail with WRITE_FAILED and it is disconnected.");
  /** The operator token file for recovery calls. */
  public static final ConfigKey<Optional<Path>> ADMIN_TOKEN_FILE = ConfigKey.optionalPath(
      "admin.token-file", "File of the operator token recovery calls to admin-api carry"
          + " (authorization: Bearer): one line, or two during a rotation (the first is sent).");
  /** The operator token itself. */
  public static final ConfigKey<Optional<String>> ADMIN_TOKEN = ConfigKey.secret("admin.token",
      "The operator token recovery calls carry (comma-separated during a rotation, the first is"
          + " sent), if admin.token-file is unset.");
  /** CA certificates for TLS to admin-api. */
  public static final ConfigKey<Optional<Path>> ADMIN_TLS_CA_FILE = ConfigKey.optionalPath(
      "admin.tls-ca-file", "PEM CA certificates to trust: recovery talks TLS to admin-api."
          + " Unset = plaintext.");
  /** How long a new connection has to send Hello. */
  public static final ConfigKey<Duration> HELLO_TIMEOUT = ConfigKey.millis("hello-timeout.ms",
      Duration.ofSeconds(5), Checks.between(100, 600_000),
      "How long a new POS connection has to send its Hello (TLS handshake included) before Error"
          + " CODE_HELLO_REQUIRED and close.");
  /** The terminal secrets file. */
  public static final ConfigKey<Optional<Path>> TERMINAL_SECRET_FILE = ConfigKey.optionalPath(
      "terminal-secret-file", "File of the secret terminal tokens (Hello.auth_token) are derived"
          + " from: the current one, and the previous one on a second line during a rotation;"
          + " each >= 32 characters. Unset, and terminal-secrets unset = authentication off.");
  /** The terminal secrets themselves. */
  public static final ConfigKey<Optional<String>> TERMINAL_SECRETS = ConfigKey.secret(
      "terminal-secrets", "The terminal secrets, comma-separated, if terminal-secret-file is"
          + " unset.");
  /** Failed authentications that start a cool-down. */
  public static final ConfigKey<Integer> AUTH_FAILURES_MAX = ConfigKey.integer(
      "auth-failures.max", 5, Checks.between(1, 1000),
      "Failed Hellos from one address within auth-failures.window.ms after which its Hellos are"
          + " refused for auth-cooldown.ms.");
  /** The window failures count in. */
  public static final ConfigKey<Duration> AUTH_FAILURES_WINDOW = ConfigKey.millis(
      "auth-failures.window.ms", Duration.ofMinutes(1), Checks.atLeast(1),
      "How far back failed authentications of an address count.");
  /** The cool-down. */
  public static final ConfigKey<Duration> AUTH_COOLDOWN = ConfigKey.millis("auth-cooldown.ms",
      Duration.ofMinutes(1), Checks.atLeast(1),
      "How long an address at the failure limit has its Hellos refused, unchecked.");

  /** The results reader's lag bound for readiness. */
  public static final ConfigKey<Long> READY_MAX_RESULTS_LAG = ConfigKey.longInteger(
      "ready.max-results-lag-records", 10_000, Checks.atLeast(1),
      "GET /health/ready answers 503 while the results reader is more than this many records"
          + " behind the end of the results topic (summed over its partitions): a node that"
          + " far behind delivers late, so the load balancer should send new terminals"
          + " elsewhere. 10,000 is 5 s of results at 2,000/s.");

  private static final String BROADCAST = "every relay node must read every result and session"
      + " itself; a shared consumer group would hand each record to one node only";
  private static final String NO_LOSS = "a claim or session the broker may lose is a delivery the"
      + " ledger never hears of";

  /** The claims producer: {@code acks=all}, idempotent, batched a little. */
  public static final KafkaClientRole CLAIMS_PRODUCER = producer("claims producer")
      .byDefault(ProducerConfig.LINGER_MS_CONFIG, 20);
  /** The sessions producer: {@code linger.ms=0}: the takeover of an older session waits on it. */
  public static final KafkaClientRole SESSIONS_PRODUCER = producer("sessions producer")
      .byDefault(ProducerConfig.LINGER_MS_CONFIG, 0);
  /** The broadcast reader of results: every record at once ({@code fetch.min.bytes=1}). */
  public static final KafkaClientRole RESULTS_READER = broadcastReader("results reader")
      .byDefault(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
  /** The broadcast reader of sessions. */
  public static final KafkaClientRole SESSIONS_READER = broadcastReader("sessions reader")
      .byDefault(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
  /**
   * The broadcast reader of delivery events, off the latency path: fetches of up to 64 KiB or
   * 250 ms rather than one per ledger write (docs/benchmarks.md).
   */
  public static final KafkaClientRole DELIVERY_EVENTS_READER =
      broadcastReader("delivery-events reader")
          .byDefault(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024)
          .byDefault(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250);

  /** The relay node's configuration table. */
  public static final ConfigSpec SPEC = ConfigSpec.builder("relay-server",
          "A POS Relay node: POS terminals connect over TCP; every node reads every payment result"
              + " from Kafka and delivers those of the terminals it holds.")
      .keys(NODE_ID)
      .keys(KafkaKeys.DEPLOYMENT)
      .keys(LogKeys.ALL)
      .keys(ListenerKeys.HOST, PORT, MANAGEMENT_PORT, ListenerKeys.TLS_CERT_FILE,
          ListenerKeys.TLS_KEY_FILE, KafkaKeys.ACK_TIMEOUT, KafkaKeys.CLAIM_DEADLINE,
          HEARTBEAT_INTERVAL, HELLO_TIMEOUT, MAX_FRAME_BYTES, MAX_CONNECTIONS,
          WRITE_BUFFER_LOW_BYTES, WRITE_BUFFER_HIGH_BYTES, WRITE_STALL_TIMEOUT, DEDUP_MAX_ENTRIES,
          DEDUP_TTL, REVERSALS_MAX_ENTRIES, REVERSALS_TTL, SHUTDOWN_DRAIN, PARTITION_REFRESH, MAX_IN_FLIGHT_PUBLISHES, ADMIN_ADDRESS,
          ADMIN_TOKEN_FILE, ADMIN_TOKEN, ADMIN_TLS_CA_FILE, MAX_CONCURRENT_RECOVERIES,
          MAX_CONCURRENT_INQUIRIES, MAX_INQUIRIES_PER_SESSION, INQUIRY_TIMEOUT,
          TERMINAL_SECRET_FILE, TERMINAL_SECRETS, AUTH_FAILURES_MAX, AUTH_FAILURES_WINDOW,
          AUTH_COOLDOWN, READY_MAX_RESULTS_LAG)
      .constraint(c -> {
        if (c.get(WRITE_BUFFER_HIGH_BYTES) <= c.get(WRITE_BUFFER_LOW_BYTES)) {
          throw c.invalid(WRITE_BUFFER_HIGH_BYTES,
              "> write-buffer.low-bytes (" + c.get(WRITE_BUFFER_LOW_BYTES) + ")");
        }
      })
      .constraint(ListenerKeys.tlsFiles())
      .constraint(ListenerKeys.secretsLoad(ADMIN_TOKEN_FILE, ADMIN_TOKEN,
          RotatingSecrets.Rule.BEARER_TOKEN))
      .constraint(ListenerKeys.secretsLoad(TERMINAL_SECRET_FILE, TERMINAL_SECRETS,
          RotatingSecrets.Rule.HMAC_SECRET))
      .constraint(ListenerKeys.caFile(ADMIN_TLS_CA_FILE))
      .kafka(TopicCheck.ROLE, CLAIMS_PRODUCER, SESSIONS_PRODUCER, RESULTS_READER,
          SESSIONS_READER, DELIVERY_EVENTS_READER)
      .build();

  private RelayKeys() {}

  private static KafkaClientRole producer(String name) {
    return KafkaClientRole.of(PRODUCER, name)
        .require(ProducerConfig.ACKS_CONFIG, "all", NO_LOSS, "-1")
        .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            "a retried send must not write a claim or session twice")
        // Sends run on the publisher's own thread (KafkaEventPublisher), never on an event loop:
        // this bounds how long one send holds that thread (a cold metadata fetch, a full buffer)
        // while later events queue, up to max-in-flight-publishes.
        .byDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000)
        .derivedFrom(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
        .derivedFrom(ProducerConfig.CLIENT_ID_CONFIG, NODE_ID.name());
  }

  private static KafkaClientRole broadcastReader(String name) {
    return KafkaClientRole.of(CONSUMER, name)
        .require(ConsumerConfig.GROUP_ID_CONFIG, KafkaClientRole.UNSET, BROADCAST)
        .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            "a reader without a group has no offsets to commit")
        .byDefault(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false)
        .byDefault(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest")
        .derivedFrom(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
        .derivedFrom(ConsumerConfig.CLIENT_ID_CONFIG, NODE_ID.name())
        .derivedFrom(ConsumerConfig.METADATA_MAX_AGE_CONFIG, PARTITION_REFRESH.name());
  }

  /**
   * This node's id: {@link #NODE_ID}, or if empty {@code "relay-"} plus this host's name, with
   * characters outside {@code [A-Za-z0-9_.-]} replaced by {@code -} and cut to 64 characters
   * ({@code "relay-localhost"} if the name cannot be resolved).
   */
  public static String nodeId(ServiceConfig config) {
    if (!config.get(NODE_ID).isEmpty()) {
      return config.get(NODE_ID);
    }
    String hostname;
    try {
      hostname = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      hostname = "localhost";
    }
    String id = ("relay-" + hostname).replaceAll("[^A-Za-z0-9_.-]", "-");
    return id.length() > 64 ? id.substring(0, 64) : id;
  }
}
