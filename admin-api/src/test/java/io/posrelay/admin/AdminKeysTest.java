package io.posrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.posrelay.admin.grpc.GrpcListener;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.testkit.secure.TestCertificates;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.kafka.TopicCheck;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * admin-api's keys: defaults, ranges, the checks across keys (ports, TLS, operator tokens), and
 * the Kafka clients' properties with what pass-through may and may not change.
 */
class AdminKeysTest {
  private static final String TOKEN = "admin-keys-test-operator-token-0123456789";

  @TempDir Path dir;

  private static ServiceConfig.Builder config() {
    return ServiceConfig.builder(AdminKeys.SPEC);
  }

  @Test
  void defaults_matchTheDocumentedOnes() {
    ServiceConfig config = config().build();

    assertThat(config.get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
    assertThat(config.get(ListenerKeys.HOST)).isEqualTo("0.0.0.0");
    assertThat(config.get(AdminKeys.PORT)).isEqualTo(9090);
    assertThat(config.get(AdminKeys.MANAGEMENT_PORT)).isEqualTo(9190);
    assertThat(config.get(KafkaKeys.CLAIM_DEADLINE)).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.get(KafkaKeys.ACK_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(AdminKeys.APPLICATION_ID)).isEqualTo("posrelay-admin");
    assertThat(config.get(AdminKeys.STATE_DIR)).isEqualTo(Path.of(".posrelay", "admin-state"));
    assertThat(config.get(AdminKeys.REPLICATION_FACTOR)).isEqualTo(1);
    assertThat(config.get(AdminKeys.RETENTION)).isEqualTo(Duration.ofHours(24));
    assertThat(config.get(AdminKeys.GRACE)).isEqualTo(Duration.ofHours(1));
    assertThat(config.get(AdminKeys.COMMIT_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.get(AdminKeys.ADVERTISED_HOST)).isEmpty();
    assertThat(KafkaKeys.topics(config).results()).isEqualTo("posrelay.results");
    assertThat(KafkaKeys.topics(config).claims()).isEqualTo("posrelay.claims");
    assertThat(KafkaKeys.topics(config).deliveryEvents()).isEqualTo("posrelay.delivery-events");
  }

  @Test
  void securityDefault_isNoTokensAndPlaintext() {
    ServiceConfig config = config().build();

    assertThat(AdminKeys.operatorTokens(config)).isEmpty();
    assertThat(config.get(AdminKeys.REFLECTION_REQUIRES_TOKEN)).isFalse();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).isEmpty();
    assertThat(config.get(ListenerKeys.TLS_KEY_FILE)).isEmpty();
    assertThat(config.get(AdminKeys.PEER_TLS_CA_FILE)).isEmpty();
    assertThat(GrpcListener.credentials(null, null)).isInstanceOf(InsecureServerCredentials.class);
    assertThat(Peers.credentials(false, null, "peer-tls-ca-file"))
        .isInstanceOf(InsecureChannelCredentials.class);
  }

  @Test
  void badValues_failNamingTheKeyAndTheExpectedRange() {
    assertThatThrownBy(() -> config().set(KafkaKeys.ACK_TIMEOUT, Duration.ofMillis(-5)).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("ack-timeout.ms: -5 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(KafkaKeys.CLAIM_DEADLINE, Duration.ZERO).build())
        .hasMessage("claim-deadline.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.PORT, 70_000).build())
        .hasMessage("port: 70000 (expected: 0..65535), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.MANAGEMENT_PORT, -1).build())
        .hasMessage("management.port: -1 (expected: 0..65535), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.PORT, 9000)
        .set(AdminKeys.MANAGEMENT_PORT, 9000).build())
        .hasMessage("management.port: 9000 (expected: different from port), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.APPLICATION_ID, "bad id").build())
        .hasMessage("application-id: bad id (expected: [A-Za-z0-9._-]{1,100}), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.REPLICATION_FACTOR, 0).build())
        .hasMessage("replication-factor: 0 (expected: 1..32), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.RETENTION, Duration.ZERO).build())
        .hasMessage("retention.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.GRACE, Duration.ofMillis(-1)).build())
        .hasMessage("grace.ms: -1 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.COMMIT_INTERVAL, Duration.ZERO).build())
        .hasMessage("commit-interval.ms: 0 (expected: >= 1), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.STATE_DIR, Path.of("")).build())
        .hasMessage("state-dir: (empty) (expected: not blank), from code");
    assertThatThrownBy(() -> config().set(AdminKeys.ADVERTISED_HOST, "admin one").build())
        .hasMessage("advertised-host: admin one (expected: ([A-Za-z0-9._:-]{1,253})?), from code");
    assertThatThrownBy(() -> config().set(KafkaKeys.BOOTSTRAP_SERVERS, "nohost").build())
        .hasMessage("kafka.bootstrap.servers: nohost (expected: HOST:PORT[,HOST:PORT...]),"
            + " from code");
  }

  @Test
  void randomPorts_mayBothBeZero() {
    ServiceConfig config = config().set(AdminKeys.PORT, 0).set(AdminKeys.MANAGEMENT_PORT, 0)
        .set(ListenerKeys.HOST, "127.0.0.1").build();

    assertThat(config.get(AdminKeys.PORT)).isZero();
    assertThat(config.get(AdminKeys.MANAGEMENT_PORT)).isZero();
  }

  @Test
  void tlsFiles_andPeerCa_buildServerAndPeerCredentials() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);

    ServiceConfig config = config()
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(certs.certFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(certs.keyFile()))
        .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(certs.caFile()))
        .build();

    assertThat(GrpcListener.credentials(config.get(ListenerKeys.TLS_CERT_FILE).orElseThrow(),
        config.get(ListenerKeys.TLS_KEY_FILE).orElseThrow()))
        .isInstanceOf(TlsServerCredentials.class);
    assertThat(Peers.credentials(true, config.get(AdminKeys.PEER_TLS_CA_FILE).orElseThrow(),
        "peer-tls-ca-file")).isInstanceOf(TlsChannelCredentials.class);
    assertThat(Peers.credentials(true, null, "peer-tls-ca-file"))
        .as("the JVM's trust store").isInstanceOf(TlsChannelCredentials.class);
  }

  @Test
  void badTlsSettings_failNamingTheKey() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem file\n");
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> tls(certs.certFile(), null).build())
        .hasMessage("tls-key-file: (empty) (expected: set together with tls-cert-file),"
            + " from default");
    assertThatThrownBy(() -> tls(null, certs.keyFile()).build())
        .hasMessage("tls-cert-file: (empty) (expected: set together with tls-key-file),"
            + " from default");
    assertThatThrownBy(() -> tls(missing, certs.keyFile()).build())
        .hasMessageStartingWith("tls-cert-file: " + missing);
    assertThatThrownBy(() -> tls(garbage, certs.keyFile()).build())
        .hasMessageStartingWith("tls-cert-file: " + garbage + " (expected: PEM certificates");
    assertThatThrownBy(() -> tls(certs.certFile(), garbage).build())
        .hasMessageStartingWith("tls-key-file: " + garbage
            + " (expected: an unencrypted PEM PKCS#8 key");
    assertThatThrownBy(() -> tls(null, null)
        .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(certs.caFile())).build())
        .hasMessage("peer-tls-ca-file: " + certs.caFile() + " (expected: only with tls-cert-file"
            + " and tls-key-file: peers speak TLS when this instance does), from code");
    assertThatThrownBy(() -> tls(certs.certFile(), certs.keyFile())
        .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(garbage)).build())
        .hasMessageStartingWith("peer-tls-ca-file: " + garbage + " (expected: PEM certificates");
  }

  private static ServiceConfig.Builder tls(Path certFile, Path keyFile) {
    ServiceConfig.Builder builder = config();
    if (certFile != null) {
      builder.set(ListenerKeys.TLS_CERT_FILE, Optional.of(certFile));
    }
    if (keyFile != null) {
      builder.set(ListenerKeys.TLS_KEY_FILE, Optional.of(keyFile));
    }
    return builder;
  }

  @Test
  void operatorTokens_comeFromTheFile_whichWinsOverTheValue() throws Exception {
    String other = "another-operator-token-0123456789abcdef";
    Path file = Files.writeString(dir.resolve("tokens"), TOKEN + "\n" + other + "\n");

    RotatingSecrets tokens = AdminKeys.operatorTokens(config()
        .set(AdminKeys.OPERATOR_TOKEN_FILE, Optional.of(file))
        .set(AdminKeys.OPERATOR_TOKENS, Optional.of("ignored-because-the-file-wins-0123456789"))
        .build()).orElseThrow();

    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.currentText()).isEqualTo(TOKEN);
    assertThat(tokens.matches(other)).isTrue();
    assertThat(tokens.matches("ignored-because-the-file-wins-0123456789")).isFalse();
  }

  @Test
  void badOperatorTokens_failNamingTheKey_withoutTheToken() throws Exception {
    Path file = Files.writeString(dir.resolve("tokens"), "too-short-secret\n");

    assertThatThrownBy(() -> config().set(AdminKeys.OPERATOR_TOKEN_FILE, Optional.of(file))
        .build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("operator-token-file: " + file + ": token 1 is not valid (expected:"
            + " 32..1024 visible ASCII characters, no spaces)");
    assertThatThrownBy(() -> config().set(AdminKeys.OPERATOR_TOKENS,
            Optional.of(TOKEN + ",a token with spaces in it that is long enough")).build())
        .hasMessageStartingWith("operator-tokens: token 2 is not valid")
        .hasMessageNotContaining(TOKEN).hasMessageNotContaining("spaces in it");
  }

  @Test
  void printedConfiguration_showsTheSettings_neverAToken() {
    ServiceConfig config = config().set(AdminKeys.OPERATOR_TOKENS, Optional.of(TOKEN))
        .set(AdminKeys.REFLECTION_REQUIRES_TOKEN, true)
        .set("kafka.sasl.jaas.config", "org.example.Login required password=\"" + TOKEN + "\";")
        .build();

    assertThat(config.describe())
        .contains("#operator-tokens=[hidden]\n", "reflection-requires-token=true\n",
            "tls-cert-file=\n", "#kafka.sasl.jaas.config=[hidden]\n")
        .doesNotContain(TOKEN);
  }

  @Test
  void ledgerProperties_areDerivedFromTheKeys_withExactlyOnce() {
    ServiceConfig config = config()
        .set(AdminKeys.APPLICATION_ID, "admin-b")
        .set(KafkaKeys.BOOTSTRAP_SERVERS, "k1:9092,k2:9092")
        .set(AdminKeys.STATE_DIR, Path.of("state"))
        .set(AdminKeys.REPLICATION_FACTOR, 3)
        .set(AdminKeys.COMMIT_INTERVAL, Duration.ofMillis(250))
        .set(AdminKeys.ADVERTISED_HOST, "admin-2.internal")
        .build();

    Properties props = AdminKeys.ledgerProperties(config, 9091);

    assertThat(props)
        .containsEntry("application.id", "admin-b")
        .containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("state.dir", Path.of("state").toAbsolutePath().toString())
        .containsEntry("replication.factor", 3)
        .containsEntry("commit.interval.ms", 250L)
        .containsEntry("application.server", "admin-2.internal:9091")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("num.stream.threads", 1)
        .containsEntry("session.timeout.ms", 10_000)
        .containsEntry("deserialization.exception.handler",
            LogAndContinueExceptionHandler.class);
  }

  @Test
  void advertisedHost_isTheKey_elseTheBindAddress_elseTheHostName() {
    assertThat(AdminKeys.advertisedHost(config().set(AdminKeys.ADVERTISED_HOST, "admin-1")
        .build())).isEqualTo("admin-1");
    assertThat(AdminKeys.advertisedHost(config().set(ListenerKeys.HOST, "10.0.0.7").build()))
        .isEqualTo("10.0.0.7");
    assertThat(AdminKeys.advertisedHost(config().build())).isNotEqualTo("0.0.0.0").isNotBlank();
  }

  @Test
  void unsafeKafkaOverrides_failNamingTheKeyAndWhy() {
    assertThatThrownBy(() -> config()
        .set("kafka.streams.processing.guarantee", "at_least_once").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("kafka.streams.processing.guarantee: at_least_once (expected:"
            + " exactly_once_v2, for the ledger: the ledger is the single writer");
    assertThatThrownBy(() -> config().set("kafka.processing.guarantee", "at_least_once").build())
        .hasMessageStartingWith("kafka.processing.guarantee: at_least_once (expected:"
            + " exactly_once_v2, for the ledger");
    assertThatThrownBy(() -> config().set("kafka.producer.acks", "1").build())
        .hasMessageStartingWith("kafka.producer.acks: 1 (expected: all or -1, for the retry"
            + " producer");
    assertThatThrownBy(() -> config().set("kafka.enable.idempotence", "false").build())
        .hasMessageStartingWith("kafka.enable.idempotence: false (expected: true, for the retry"
            + " producer");
    assertThatThrownBy(() -> config().set("kafka.consumer.isolation.level", "read_uncommitted")
        .build())
        .hasMessageStartingWith("kafka.consumer.isolation.level: read_uncommitted (expected:"
            + " read_committed, for the delivery-events feed: WatchDeliveryEvents must never show"
            + " a transition");
    assertThatThrownBy(() -> config().set("kafka.group.id", "admins").build())
        .hasMessageStartingWith("kafka.group.id: admins (expected: unset, for the delivery-events"
            + " feed");
    assertThatThrownBy(() -> config().set("kafka.streams.application.id", "other").build())
        .hasMessage("kafka.streams.application.id: other (expected: unset; set it with"
            + " application-id), from code");
    assertThatThrownBy(() -> config().set("kafka.streams.state.dir", "/tmp/x").build())
        .hasMessage("kafka.streams.state.dir: /tmp/x (expected: unset; set it with state-dir),"
            + " from code");
    assertThatThrownBy(() -> config().set("kafka.streams.application.server", "x:1").build())
        .hasMessage("kafka.streams.application.server: x:1 (expected: unset; set it with"
            + " advertised-host and port), from code");
    assertThatThrownBy(() -> config().set("kafka.admin.bootstrap.servers", "x:1").build())
        .hasMessageStartingWith("kafka.admin.bootstrap.servers: x:1 (expected: unset; set it with"
            + " kafka.bootstrap.servers)");
  }

  @Test
  void passThrough_reachesEveryClient_theLedgerIncluded() {
    ServiceConfig config = config()
        .set("kafka.security.protocol", "SASL_SSL")
        .set("kafka.sasl.mechanism", "SCRAM-SHA-512")
        .set("kafka.streams.num.stream.threads", "2")
        .set("kafka.producer.linger.ms", "5")
        .build();

    assertThat(AdminKeys.ledgerProperties(config, 9090))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("num.stream.threads", "2")
        .containsEntry("processing.guarantee", "exactly_once_v2");
    assertThat(config.kafka().properties(AdminKeys.RETRY_PRODUCER, Map.of()))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("linger.ms", "5")
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true");
    assertThat(config.kafka().properties(AdminKeys.DELIVERY_EVENTS_FEED, Map.of()))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("enable.auto.commit", "false")
        .doesNotContainKey("group.id")
        .doesNotContainKey("linger.ms");
    assertThat(config.kafka().properties(TopicCheck.ROLE, Map.of()))
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(config.kafka().properties(AdminKeys.DELIVERY_EVENTS_TOPIC_CREATOR, Map.of()))
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
  }
}
