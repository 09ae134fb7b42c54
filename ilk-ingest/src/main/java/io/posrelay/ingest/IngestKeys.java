package io.posrelay.ingest;

import static io.posrelay.runtime.config.KafkaClientRole.Kind.CONSUMER;
import static io.posrelay.runtime.config.KafkaClientRole.Kind.PRODUCER;

import io.posrelay.runtime.config.Checks;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.KafkaClientRole;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.runtime.log.LogKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Every configuration key of ilk-ingest, defined once, and the {@link #SPEC} they form: the flags,
 * environment variables, config-file keys, {@code --help}, {@code --print-config} and the
 * service's table in docs/configuration.md all come from here. The keys every service shares
 * (Kafka's address, the topic names, the bind address, TLS) are defined in {@code
 * service-runtime} and listed here; {@code topic.results} names the topic results are produced
 * to.
 *
 * <p>A bad value, alone or in combination (an idle timeout not above the publish timeout, half a
 * TLS pair, a secret too short), fails start-up with exit code 2 and one line naming the key and
 * the expected range, before anything is bound or connected.
 */
public final class IngestKeys {
  /** The webhook's port. */
  public static final ConfigKey<Integer> PORT = ConfigKey.port("port", 8080,
      "TCP port of the ILK webhook (POST /ilk/v1/results), HTTP or, with tls-cert-file, HTTPS.");
  /** The management listener's port: {@code GET /metrics}. */
  public static final ConfigKey<Integer> MANAGEMENT_PORT = ListenerKeys.managementPort(9180);
  /** How long a callback may wait for Kafka's acknowledgement. */
  public static final ConfigKey<Duration> PUBLISH_TIMEOUT = ConfigKey.millis(
      "publish-timeout.ms", Duration.ofSeconds(5), Checks.between(100, 300_000),
      "A callback is answered 503 (Retry-After) when Kafka has not acknowledged its result within"
          + " this; also bounds the results producer's max.block.ms, request.timeout.ms and"
          + " delivery.timeout.ms.");
  /** Largest request body. */
  public static final ConfigKey<Integer> MAX_BODY_BYTES = ConfigKey.integer("max-body-bytes",
      64 * 1024, Checks.between(256, 16 * 1024 * 1024),
      "Largest request body in bytes; a larger one is answered 413.");
  /** Most results awaiting Kafka's acknowledgement. */
  public static final ConfigKey<Integer> MAX_IN_FLIGHT_PUBLISHES = ConfigKey.integer(
      "max-in-flight-publishes", 1024, Checks.between(1, 100_000),
      "Most results handed to Kafka and not yet acknowledged; a callback beyond that is answered"
          + " 503 at once.");
  /** Most open HTTP connections. */
  public static final ConfigKey<Integer> MAX_CONNECTIONS = ConfigKey.integer("max-connections",
      10_000, Checks.between(1, 1_000_000),
      "Most open webhook connections; a further one is closed on accept.");
  /** How long a connection may send nothing. */
  public static final ConfigKey<Duration> IDLE_TIMEOUT = ConfigKey.millis("idle-timeout.ms",
      Duration.ofSeconds(30), Checks.between(1, 3_600_000),
      "A connection that sends nothing for this long is closed; more than publish-timeout.ms.");
  /** The bound on a graceful stop. */
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.millis(
      "shutdown-timeout.ms", Duration.ofSeconds(10), Checks.between(1, 600_000),
      "At shutdown, how long results in flight may still be acknowledged (their callers get"
          + " their answers) and the producer flushed.");
  /** How long one request may take to arrive. */
  public static final ConfigKey<Duration> REQUEST_DEADLINE = ConfigKey.millis(
      "request-deadline.ms", Duration.ofSeconds(10), Checks.between(100, 3_600_000),
      "From a request's first byte to its last; a slower one is answered 408 and its connection"
          + " closed. Also bounds the TLS handshake.");
  /** The ILK secrets file. */
  public static final ConfigKey<Optional<Path>> ILK_SECRET_FILE = ConfigKey.optionalPath(
      "ilk-secret-file", "File of the secret ILK signs callbacks with, and during a rotation the"
          + " previous one on a second line; each >= 32 characters. Unset, and ilk-secrets unset"
          + " = signatures are NOT checked.");
  /** The ILK secrets themselves. */
  public static final ConfigKey<Optional<String>> ILK_SECRETS = ConfigKey.secret("ilk-secrets",
      "The ILK signing secrets, comma-separated (current first), if ilk-secret-file is unset.");
  /** How far a signature's timestamp may be from this server's clock. */
  public static final ConfigKey<Duration> SIGNATURE_MAX_SKEW = ConfigKey.millis(
      "signature-max-skew.ms", Duration.ofMinutes(5), Checks.between(1000, 3_600_000),
      "A signed callback whose X-ILK-Timestamp is further than this from this server's clock,"
          + " either way, is answered 401 (a replay, or a clock to fix).");

  private static final String STORED = "a 202 promises ILK the result is stored; a record the"
      + " broker may still lose would be a payment result lost";

  /**
   * The producer of {@code PaymentResult}s: {@code acks=all} and idempotent (a 202 promises the
   * result is stored), its timeouts derived from {@code publish-timeout.ms} so that a send ends,
   * one way or the other, within it; {@code linger.ms=5} by default (Kafka 4's own
   * default): a produce request then carries the results of up to 5 ms, and every consumer of
   * the topic — each relay node, the ledger — is woken once per request rather than per result
   */
  public static final KafkaClientRole RESULTS_PRODUCER =
      KafkaClientRole.of(PRODUCER, "results producer")
          .require(ProducerConfig.ACKS_CONFIG, "all", STORED, "-1")
          .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
              "a send the producer retries must not store a result twice")
          .byDefault(ProducerConfig.LINGER_MS_CONFIG, 5)
          // No key to derive it from: one name for every instance unless the operator sets it.
          .byDefault(ProducerConfig.CLIENT_ID_CONFIG, "posrelay-ilk-ingest")
          .derivedFrom(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
          .derivedFrom(ProducerConfig.MAX_BLOCK_MS_CONFIG, PUBLISH_TIMEOUT.name())
          .derivedFrom(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, PUBLISH_TIMEOUT.name())
          .derivedFrom(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, PUBLISH_TIMEOUT.name());

  /** How recent an answer from Kafka must be for ilk-ingest to be ready. */
  public static final ConfigKey<Duration> READY_KAFKA_WINDOW = ConfigKey.millis(
      "ready.kafka-window.ms", Duration.ofSeconds(15), Checks.between(1000, 600_000),
      "GET /health/ready answers 503 when Kafka has not answered for this long: no publish"
          + " acked and no probe (a DescribeTopics of topic.results, every partition with a"
          + " leader, sent every third of this while no publish is acked) answered.");

  /** Where receipts to ILK are posted; empty = no receipts. */
  public static final ConfigKey<String> ILK_RECEIPT_URL = ConfigKey.string("ilk.receipt-url", "",
      Checks.matches("(https?://\\S+)?"),
      "ILK's receipt endpoint: a signed JSON receipt is POSTed there for every DELIVERED,"
          + " REVERSAL_REQUIRED and conflict event of topic.delivery-events"
          + " (docs/ilk-receipts.md). Empty = receipts off. Needs a receipt secret.");
  /** The receipt secrets file. */
  public static final ConfigKey<Optional<Path>> ILK_RECEIPT_SECRET_FILE = ConfigKey.optionalPath(
      "ilk.receipt-secret-file", "File of the secret receipts are signed with (the first line;"
          + " a second line, the previous secret, is ignored for signing); >= 32 characters.");
  /** The receipt secrets themselves. */
  public static final ConfigKey<Optional<String>> ILK_RECEIPT_SECRETS = ConfigKey.secret(
      "ilk.receipt-secrets", "The receipt signing secret (current first, comma-separated), if"
          + " ilk.receipt-secret-file is unset.");
  /** The consumer group the ilk-ingest instances share the receipts in. */
  public static final ConfigKey<String> ILK_RECEIPT_GROUP_ID = ConfigKey.string(
      "ilk.receipt-group-id", "posrelay-ilk-receipts", Checks.nonBlank(),
      "Consumer group over topic.delivery-events: the ilk-ingest instances of one deployment"
          + " share the partitions, so each receipt is sent by one of them.");
  /** One receipt POST's deadline. */
  public static final ConfigKey<Duration> ILK_RECEIPT_TIMEOUT = ConfigKey.millis(
      "ilk.receipt-timeout.ms", Duration.ofSeconds(10), Checks.between(100, 300_000),
      "A receipt POST not answered within this (connecting included) is retried.");
  /** How long a receipt is retried. */
  public static final ConfigKey<Duration> ILK_RECEIPT_MAX_AGE = ConfigKey.millis(
      "ilk.receipt-max-age.ms", Duration.ofHours(24), Checks.between(1000, 30L * 86_400_000),
      "A receipt still not accepted this long after its transition goes to topic.receipts-dlq"
          + " instead of being retried again.");
  /** The first retry's delay. */
  public static final ConfigKey<Duration> ILK_RECEIPT_BACKOFF_INITIAL = ConfigKey.millis(
      "ilk.receipt-backoff-initial.ms", Duration.ofSeconds(1), Checks.between(1, 3_600_000),
      "Delay before a receipt's first retry; doubled each retry up to"
          + " ilk.receipt-backoff-max.ms, with jitter (half to all of it); a longer Retry-After"
          + " wins.");
  /** The longest delay between retries. */
  public static final ConfigKey<Duration> ILK_RECEIPT_BACKOFF_MAX = ConfigKey.millis(
      "ilk.receipt-backoff-max.ms", Duration.ofMinutes(1), Checks.between(1, 3_600_000),
      "Longest delay between two attempts of one receipt (before jitter); >="
          + " ilk.receipt-backoff-initial.ms.");

  private static final String RECEIPT_ONCE = "a receipt must be sent or dead-lettered before its"
      + " offset is committed, or a restart would skip it";

  /**
   * The receipt sender's consumer of delivery events: a consumer group ({@link
   * #ILK_RECEIPT_GROUP_ID}), {@code read_committed} (the ledger writes transactionally; an aborted
   * transition must get no receipt), offsets committed by the sender only, from the earliest
   * retained event for a new group, and a 10 s session timeout. Off the latency path, it fetches
   * up to 64 KiB or 250 ms at a time rather than once per ledger write, as the relay nodes'
   * delivery-events reader does (docs/benchmarks.md): most events it reads need no receipt.
   */
  public static final KafkaClientRole RECEIPTS_CONSUMER =
      KafkaClientRole.of(CONSUMER, "receipts consumer")
          .require(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
              "an aborted ledger transaction's transition must not be receipted")
          .require(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, RECEIPT_ONCE)
          .byDefault(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
          .byDefault(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100)
          .byDefault(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 64 * 1024)
          .byDefault(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 250)
          // An instance killed with SIGKILL holds its partitions, and so their receipts, until
          // the group coordinator misses its heartbeats for session.timeout.ms: 45 s by default.
          // 10 s (heartbeats every 3 s), as for admin-api's ledger, bounds that gap; a longer
          // stall costs one rebalance, after which the new owner re-sends from the last commit.
          .byDefault(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
          .byDefault(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_333)
          .byDefault(ConsumerConfig.CLIENT_ID_CONFIG, "posrelay-ilk-receipts")
          .derivedFrom(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name())
          .derivedFrom(ConsumerConfig.GROUP_ID_CONFIG, ILK_RECEIPT_GROUP_ID.name());

  /** The producer of dead-lettered receipts: {@code acks=all}, idempotent. */
  public static final KafkaClientRole RECEIPTS_DLQ_PRODUCER =
      KafkaClientRole.of(PRODUCER, "receipts dead-letter producer")
          .require(ProducerConfig.ACKS_CONFIG, "all", RECEIPT_ONCE, "-1")
          .require(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
              "a retried send must not dead-letter a receipt twice")
          .byDefault(ProducerConfig.CLIENT_ID_CONFIG, "posrelay-ilk-receipts-dlq")
          .derivedFrom(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaKeys.BOOTSTRAP_SERVERS.name());

  /** ilk-ingest's configuration table. */
  public static final ConfigSpec SPEC = ConfigSpec.builder("ilk-ingest",
          "Receives ILK payment-result callbacks (POST /ilk/v1/results), checks their signature,"
              + " validates them and produces them to Kafka (topic.results); answers 202 only"
              + " after the broker acknowledged. Prometheus metrics at GET /metrics on"
              + " management.port.")
      .keys(KafkaKeys.DEPLOYMENT)
      .keys(LogKeys.ALL)
      .keys(ListenerKeys.HOST, PORT, MANAGEMENT_PORT, ListenerKeys.TLS_CERT_FILE,
          ListenerKeys.TLS_KEY_FILE, PUBLISH_TIMEOUT, MAX_BODY_BYTES, MAX_IN_FLIGHT_PUBLISHES,
          MAX_CONNECTIONS, IDLE_TIMEOUT, REQUEST_DEADLINE, SHUTDOWN_TIMEOUT, ILK_SECRET_FILE,
          ILK_SECRETS, SIGNATURE_MAX_SKEW, READY_KAFKA_WINDOW)
      .keys(ILK_RECEIPT_URL, ILK_RECEIPT_SECRET_FILE, ILK_RECEIPT_SECRETS, ILK_RECEIPT_GROUP_ID,
          ILK_RECEIPT_TIMEOUT, ILK_RECEIPT_MAX_AGE, ILK_RECEIPT_BACKOFF_INITIAL,
          ILK_RECEIPT_BACKOFF_MAX)
      .constraint(c -> {
        if (c.get(IDLE_TIMEOUT).compareTo(c.get(PUBLISH_TIMEOUT)) <= 0) {
          throw c.invalid(IDLE_TIMEOUT,
              "> publish-timeout.ms (" + c.get(PUBLISH_TIMEOUT).toMillis() + ")");
        }
      })
      .constraint(c -> {
        if (c.get(PORT) != 0 && c.get(PORT).equals(c.get(MANAGEMENT_PORT))) {
          throw c.invalid(MANAGEMENT_PORT, "not the webhook's port (" + c.get(PORT) + ")");
        }
      })
      .constraint(IngestKeys::lingerWithinPublishTimeout)
      .constraint(ListenerKeys.tlsFiles())
      .constraint(ListenerKeys.secretsLoad(ILK_SECRET_FILE, ILK_SECRETS,
          RotatingSecrets.Rule.HMAC_SECRET))
      .constraint(ListenerKeys.secretsLoad(ILK_RECEIPT_SECRET_FILE, ILK_RECEIPT_SECRETS,
          RotatingSecrets.Rule.HMAC_SECRET))
      .constraint(IngestKeys::receiptsSigned)
      .constraint(c -> {
        if (c.get(ILK_RECEIPT_BACKOFF_MAX).compareTo(c.get(ILK_RECEIPT_BACKOFF_INITIAL)) < 0) {
          throw c.invalid(ILK_RECEIPT_BACKOFF_MAX, ">= " + ILK_RECEIPT_BACKOFF_INITIAL.name()
              + " (" + c.get(ILK_RECEIPT_BACKOFF_INITIAL).toMillis() + ")");
        }
      })
      .kafka(TopicCheck.ROLE, RESULTS_PRODUCER, RECEIPTS_CONSUMER, RECEIPTS_DLQ_PRODUCER)
      .build();

  private IngestKeys() {}

  /**
   * The results producer's properties: its role's defaults and pass-through, {@code acks=all},
   * idempotence, and the timeouts that make a send end within the publish timeout: {@code
   * max.block.ms} and {@code delivery.timeout.ms} = publish timeout, {@code request.timeout.ms}
   * = publish timeout − {@code linger.ms} (Kafka requires delivery ≥ linger + request).
   */
  static Map<String, Object> resultsProducerProperties(ServiceConfig config) {
    long publishMs = config.get(PUBLISH_TIMEOUT).toMillis();
    Map<String, Object> props = config.kafka().properties(RESULTS_PRODUCER, Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaKeys.BOOTSTRAP_SERVERS),
        ProducerConfig.MAX_BLOCK_MS_CONFIG, publishMs,
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) publishMs));
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) (publishMs - lingerMillis(props)));
    return props;
  }

  /** Whether receipts are on: {@link #ILK_RECEIPT_URL} is set. */
  static boolean receiptsEnabled(ServiceConfig config) {
    return !config.get(ILK_RECEIPT_URL).isEmpty();
  }

  /** Receipts are never sent unsigned: ILK could not tell them from forgeries. */
  private static void receiptsSigned(ServiceConfig c) {
    if (receiptsEnabled(c) && c.get(ILK_RECEIPT_SECRET_FILE).isEmpty()
        && c.get(ILK_RECEIPT_SECRETS).isEmpty()) {
      throw c.invalid(ILK_RECEIPT_SECRET_FILE, "a file, or " + ILK_RECEIPT_SECRETS.env()
          + " set, when " + ILK_RECEIPT_URL.name() + " is set (receipts are always signed)");
    }
  }

  /** The receipts consumer's properties: its role's, with the group id and bootstrap servers. */
  static Map<String, Object> receiptsConsumerProperties(ServiceConfig config) {
    return config.kafka().properties(RECEIPTS_CONSUMER, Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaKeys.BOOTSTRAP_SERVERS),
        ConsumerConfig.GROUP_ID_CONFIG, config.get(ILK_RECEIPT_GROUP_ID)));
  }

  /** The dead-letter producer's properties. */
  static Map<String, Object> receiptsDlqProducerProperties(ServiceConfig config) {
    return config.kafka().properties(RECEIPTS_DLQ_PRODUCER, Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(KafkaKeys.BOOTSTRAP_SERVERS)));
  }

  /** The results producer's {@code linger.ms}, as configured (pass-through) or by default. */
  private static long lingerMillis(Map<String, Object> props) {
    return Long.parseLong(String.valueOf(props.get(ProducerConfig.LINGER_MS_CONFIG)).strip());
  }

  /** A batch may wait {@code linger.ms}; a send must still fit in the publish timeout. */
  private static void lingerWithinPublishTimeout(ServiceConfig c) {
    long linger = lingerMillis(c.kafka().properties(RESULTS_PRODUCER, Map.of()));
    long publishMs = c.get(PUBLISH_TIMEOUT).toMillis();
    if (linger >= publishMs) {
      throw new InvalidConfigException("kafka.producer.linger.ms: " + linger + " (expected: < "
          + PUBLISH_TIMEOUT.name() + " (" + publishMs + "): a result must be sent within the"
          + " publish timeout)");
    }
  }
}
