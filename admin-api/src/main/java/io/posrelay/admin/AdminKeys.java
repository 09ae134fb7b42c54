package io.posrelay.admin;

import static io.posrelay.runtime.config.KafkaClientRole.Kind.ADMIN;
import static io.posrelay.runtime.config.KafkaClientRole.Kind.CONSUMER;
import static io.posrelay.runtime.config.KafkaClientRole.Kind.PRODUCER;
import static io.posrelay.runtime.config.KafkaClientRole.Kind.STREAMS;

import io.posrelay.admin.ledger.LedgerSettings;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * Every configuration key of admin-api, defined once, and the {@link #SPEC} they form: the flags,
 * environment variables, config-file keys, {@code --help}, {@code --print-config} and the docs
 * all come from here. The keys every service shares (Kafka, topics, deadlines, bind address, TLS)
 * are defined in {@code service-runtime} and listed here; so are the Kafka clients admin-api
 * creates, with the settings its correctness depends on.
 *
 * <p>A value out of range, a TLS file that is not a certificate chain and its key, a bad operator
 * token, or a Kafka pass-through property that would make a client unsafe fails start-up (exit
 * code 2) with one line naming the key, e.g. {@code "ack-timeout.ms: -5 (expected: >= 1), from
 * --ack-timeout-ms"}, before anything connects or binds.
 */
public final class AdminKeys {
  /** The gRPC port. */
  public static final ConfigKey<Integer> PORT = ConfigKey.port("port", 9090,
      "gRPC port of the DeliveryAdmin API, health and server reflection; with 0 it is bound before"
          + " the ledger starts, since application.server must name it.");
  /** The management listener's port ({@code GET /metrics}). */
  public static final ConfigKey<Integer> MANAGEMENT_PORT = ListenerKeys.managementPort(9190);
  /** The ledger's Kafka Streams application id. */
  public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string("application-id",
      "posrelay-admin", Checks.matches("[A-Za-z0-9._-]{1,100}"),
      "Kafka Streams application.id of the ledger: also its consumer group and the prefix of its"
          + " changelog topics; instances with the same id share the ledger's partitions.");
  /** Where the ledger's RocksDB stores live. */
  public static final ConfigKey<Path> STATE_DIR = ConfigKey.path("state-dir",
      Path.of(".posrelay", "admin-state"),
      "Directory of the ledger's RocksDB stores (Kafka Streams state.dir), relative to the working"
          + " directory; one per instance on a machine; lost state is restored from the"
          + " changelog topics.");
  /** Replication factor of the ledger's changelog topics (and of a delivery-events it creates). */
  public static final ConfigKey<Integer> REPLICATION_FACTOR = ConfigKey.integer(
      "replication-factor", 1, Checks.between(1, 32),
      "Replication factor of the ledger's changelog topics, and of topic.delivery-events if"
          + " admin-api creates it; 3 in production.");
  /** How long a final record is kept before it expires. */
  public static final ConfigKey<Duration> RETENTION = ConfigKey.millis("retention.ms",
      Duration.ofHours(24), Checks.atLeast(1),
      "How long a FAILED or DELIVERED record is kept before it becomes EXPIRED (a FAILED"
          + " approval gets its reversal decision first, whatever this says); a REVERSAL_REQUIRED"
          + " record is kept this long plus grace.ms, then purged.");
  /** How long an expired record is kept before it is purged. */
  public static final ConfigKey<Duration> GRACE = ConfigKey.millis("grace.ms",
      Duration.ofHours(1), Checks.atLeast(1),
      "How long an EXPIRED record is kept before it is purged.");
  /** The ledger's commit interval. */
  public static final ConfigKey<Duration> COMMIT_INTERVAL = ConfigKey.millis(
      "commit-interval.ms", Duration.ofSeconds(1), Checks.atLeast(1),
      "Kafka Streams commit.interval.ms: how often the ledger's exactly-once transaction commits,"
          + " so how soon transitions reach read_committed readers (queries see them at once)."
          + " Each commit blocks the stream thread for several broker round trips: at 100 ms the"
          + " ledger fell behind at 400 results/s on the 2-core bench machine"
          + " (docs/benchmarks.md).");
  /** The host peers reach this instance at. */
  public static final ConfigKey<String> ADVERTISED_HOST = ConfigKey.string("advertised-host", "",
      Checks.matches("([A-Za-z0-9._:-]{1,253})?"),
      "Host the other admin-api instances reach this one's gRPC port at (application.server);"
          + " empty = host, or this machine's host name if host is a wildcard address.");
  /** The operator tokens file. */
  public static final ConfigKey<Optional<Path>> OPERATOR_TOKEN_FILE = ConfigKey.optionalPath(
      "operator-token-file",
      "File of the operator tokens every gRPC call but health must carry as 'authorization:"
          + " Bearer <token>': one a line, the current one first and, during a rotation, the"
          + " previous one; each 32..1024 visible ASCII characters. Unset, and operator-tokens"
          + " unset = no check.");
  /** The operator tokens themselves. */
  public static final ConfigKey<Optional<String>> OPERATOR_TOKENS = ConfigKey.secret(
      "operator-tokens", "The operator tokens, comma-separated (the current one first), if"
          + " operator-token-file is unset.");
  /** Whether server reflection needs the token too. */
  public static final ConfigKey<Boolean> REFLECTION_REQUIRES_TOKEN = ConfigKey.bool(
      "reflection-requires-token", false,
      "Whether server reflection needs the operator token too; health never does. Open by"
          + " default, so 'grpcurl list' and 'buf curl --list-services' work without a token.");
  /** CA certificates the peer fan-out trusts. */
  public static final ConfigKey<Optional<Path>> PEER_TLS_CA_FILE = ConfigKey.optionalPath(
      "peer-tls-ca-file", "PEM CA certificates the peer fan-out trusts; only with tls-cert-file"
          + " (peers speak TLS when this instance does). Unset = the JVM's trust store.");

  /**
   * The ledger, a Kafka Streams application: {@code exactly_once_v2} required, one stream thread,
   * a bad record logged and skipped, and a 10 s session timeout.
   */
  public static final KafkaClientRole LEDGER = KafkaClientRole.of(STREAMS, "ledger")
      .require(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2,
          "the ledger is the single writer of every delivery decision; without exactly-once a"
              + " restart or rebalance can apply a result or claim twice and write a transition"
              + " that was never committed")
      .byDefault(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
      // An instance killed with SIGKILL holds its ledger partitions until the group coordinator
      // misses its heartbeats for session.timeout.ms: 45 s by default, during which a restarted
      // instance cannot serve. 10 s (heartbeats every 3 s) bounds that gap; a stall longer than
      // that (GC, overload) costs one rebalance, which Kafka Streams survives. Unprefixed, so
      // that kafka.session.timeout.ms and kafka.streams.session.timeout.ms both change it.
      .byDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
      .byDefault(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_333)
      .byDefault(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
          LogAndContinueExceptionHandler.class)
      .derivedFrom(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID.name())
      .derivedFrom(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
      .derivedFrom(StreamsConfig.STATE_DIR_CONFIG, STATE_DIR.name())
      .derivedFrom(StreamsConfig.REPLICATION_FACTOR_CONFIG, REPLICATION_FACTOR.name())
      .derivedFrom(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.name())
      .derivedFrom(StreamsConfig.APPLICATION_SERVER_CONFIG,
          ADVERTISED_HOST.name() + " and " + PORT.name());
  /**
   * The producer of RetryDelivery's re-published results: {@code acks=all}, idempotent, and
   * within RetryDelivery's bound: a send gives up after 3 s ({@code max.block.ms}, {@code
   * delivery.timeout.ms}; {@code request.timeout.ms} 2.5 s), before RetryDelivery stops waiting
   * (4 s), so that the producer itself reports Kafka unreachable and further retries are refused
   * at once instead of each waiting out the producer's timeouts (120 s by Kafka's defaults).
   * RetryDelivery answers within 5 s whatever these say.
   */
  public static final KafkaClientRole RETRY_PRODUCER = KafkaClientRole.of(PRODUCER,
          "retry producer")
      .require(ProducerConfig.ACKS_CONFIG, "all", "RetryDelivery answers OK only for a result"
          + " the broker cannot lose", "-1")
      .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
          "a retried send must not publish the result twice")
      .byDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000)
      .byDefault(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_500)
      .byDefault(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000)
      .byDefault(ProducerConfig.LINGER_MS_CONFIG, 0)
      .derivedFrom(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
      .derivedFrom(ProducerConfig.CLIENT_ID_CONFIG, APPLICATION_ID.name());
  /** The reader of delivery events for WatchDeliveryEvents: committed transitions only. */
  public static final KafkaClientRole DELIVERY_EVENTS_FEED = KafkaClientRole.of(CONSUMER,
          "delivery-events feed")
      .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          "WatchDeliveryEvents must never show a transition of a ledger transaction that was"
              + " aborted")
      .require(ConsumerConfig.GROUP_ID_CONFIG, KafkaClientRole.UNSET,
          "every admin-api instance reads every partition itself, for its own watchers")
      .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
          "a reader without a group has no offsets to commit")
      .derivedFrom(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
      .derivedFrom(ConsumerConfig.CLIENT_ID_CONFIG, APPLICATION_ID.name());
  /** The admin client that creates topic.delivery-events if it is missing. */
  public static final KafkaClientRole DELIVERY_EVENTS_TOPIC_CREATOR = KafkaClientRole.of(ADMIN,
          "delivery-events topic creator")
      .derivedFrom(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
      .derivedFrom(AdminClientConfig.CLIENT_ID_CONFIG, APPLICATION_ID.name());

  /** admin-api's configuration table. */
  public static final ConfigSpec SPEC = ConfigSpec.builder("admin-api",
          "The delivery ledger (Kafka Streams over topic.results and topic.claims, in RocksDB"
              + " stores backed by changelog topics) and the DeliveryAdmin gRPC API, with gRPC"
              + " health, server reflection and /metrics.")
      .keys(KafkaKeys.DEPLOYMENT)
      .keys(LogKeys.ALL)
      .keys(ListenerKeys.HOST, PORT, MANAGEMENT_PORT, ListenerKeys.TLS_CERT_FILE,
          ListenerKeys.TLS_KEY_FILE, PEER_TLS_CA_FILE, OPERATOR_TOKEN_FILE, OPERATOR_TOKENS,
          REFLECTION_REQUIRES_TOKEN, KafkaKeys.CLAIM_DEADLINE, KafkaKeys.ACK_TIMEOUT,
          RETENTION, GRACE, APPLICATION_ID, STATE_DIR, REPLICATION_FACTOR, COMMIT_INTERVAL,
          ADVERTISED_HOST)
      .keys(ReversalKeys.ALL)
      .constraint(c -> {
        if (c.get(PORT) != 0 && c.get(PORT).equals(c.get(MANAGEMENT_PORT))) {
          throw c.invalid(MANAGEMENT_PORT, "different from port");
        }
      })
      .constraint(ListenerKeys.tlsFiles())
      .constraint(c -> {
        if (c.get(PEER_TLS_CA_FILE).isPresent() && c.get(ListenerKeys.TLS_CERT_FILE).isEmpty()) {
          throw c.invalid(PEER_TLS_CA_FILE, "only with " + ListenerKeys.TLS_CERT_FILE.name()
              + " and " + ListenerKeys.TLS_KEY_FILE.name() + ": peers speak TLS when this"
              + " instance does");
        }
      })
      .constraint(ListenerKeys.caFile(PEER_TLS_CA_FILE))
      .constraint(ListenerKeys.secretsLoad(OPERATOR_TOKEN_FILE, OPERATOR_TOKENS,
          RotatingSecrets.Rule.BEARER_TOKEN))
      .kafka(TopicCheck.ROLE, DELIVERY_EVENTS_TOPIC_CREATOR, LEDGER, RETRY_PRODUCER,
          DELIVERY_EVENTS_FEED)
      .build();

  private AdminKeys() {}

  /**
   * The accepted operator tokens: from {@link #OPERATOR_TOKEN_FILE} if set, else from {@link
   * #OPERATOR_TOKENS}.
   *
   * @return one or two tokens (the current one first), or empty: the check is off
   * @throws io.posrelay.runtime.config.InvalidConfigException naming the key, if the tokens do not
   *     load (cannot happen for a configuration built from {@link #SPEC}, whose constraint loaded
   *     them already, unless the file changed since)
   */
  public static Optional<RotatingSecrets> operatorTokens(ServiceConfig config) {
    return ListenerKeys.secrets(config, OPERATOR_TOKEN_FILE, OPERATOR_TOKENS,
        RotatingSecrets.Rule.BEARER_TOKEN);
  }

  /**
   * The host the other instances reach this one at: {@link #ADVERTISED_HOST}, or if empty {@link
   * ListenerKeys#HOST}, or if that is a wildcard address ({@code 0.0.0.0}, {@code ::}) this
   * machine's host name ({@code 127.0.0.1} if it cannot be resolved).
   */
  public static String advertisedHost(ServiceConfig config) {
    if (!config.get(ADVERTISED_HOST).isEmpty()) {
      return config.get(ADVERTISED_HOST);
    }
    String host = config.get(ListenerKeys.HOST);
    if (!host.equals("0.0.0.0") && !host.equals("::")) {
      return host;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "127.0.0.1";
    }
  }

  /**
   * The ledger's deadlines ({@code claim-deadline.ms}, {@code ack-timeout.ms}, {@link #RETENTION},
   * {@link #GRACE}) and reversal policy ({@link ReversalKeys}).
   */
  public static LedgerSettings ledgerSettings(ServiceConfig config) {
    return new LedgerSettings(config.get(KafkaKeys.CLAIM_DEADLINE),
        config.get(KafkaKeys.ACK_TIMEOUT), config.get(RETENTION), config.get(GRACE),
        ReversalKeys.policy(config));
  }

  /**
   * The Kafka Streams properties of the ledger: {@link #LEDGER}'s defaults, the pass-through
   * properties, {@code exactly_once_v2}, and the properties derived from admin-api's keys ({@code
   * application.id}, {@code bootstrap.servers}, {@code state.dir} as an absolute path, {@code
   * replication.factor}, {@code commit.interval.ms}, and {@code application.server} = {@link
   * #advertisedHost} + {@code :} + {@code grpcPort}).
   *
   * @param grpcPort the gRPC port actually bound (how the other instances reach this one for
   *     fanned-out queries), 1..65535
   * @return new properties, for {@code new KafkaStreams(topology, properties)}
   */
  public static Properties ledgerProperties(ServiceConfig config, int grpcPort) {
    Map<String, Object> derived = new LinkedHashMap<>();
    derived.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(APPLICATION_ID));
    derived.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaKeys.BOOTSTRAP_SERVERS));
    derived.put(StreamsConfig.STATE_DIR_CONFIG,
        config.get(STATE_DIR).toAbsolutePath().toString());
    derived.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(REPLICATION_FACTOR));
    derived.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.get(COMMIT_INTERVAL).toMillis());
    derived.put(StreamsConfig.APPLICATION_SERVER_CONFIG,
        advertisedHost(config) + ":" + grpcPort);
    return config.kafka().asProperties(LEDGER, derived);
  }
}
