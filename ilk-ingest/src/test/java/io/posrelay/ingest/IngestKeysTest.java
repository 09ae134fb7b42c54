package io.posrelay.ingest;

import static io.posrelay.ingest.signature.CallbackSignatureVerifierTest.CURRENT;
import static io.posrelay.ingest.signature.CallbackSignatureVerifierTest.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.posrelay.testkit.secure.TestCertificates;
import io.posrelay.runtime.config.ConfigDocs;
import io.posrelay.runtime.config.ConfigSources;
import io.posrelay.runtime.config.InvalidConfigException;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ilk-ingest's keys: defaults, ranges, secrets, Kafka safety, and the command line from them. */
class IngestKeysTest {

  @TempDir Path dir;

  private static ServiceConfig.Builder config() {
    return ServiceConfig.builder(IngestKeys.SPEC);
  }

  private static Optional<RotatingSecrets> secrets(ServiceConfig config) {
    return ListenerKeys.secrets(config, IngestKeys.ILK_SECRET_FILE, IngestKeys.ILK_SECRETS,
        RotatingSecrets.Rule.HMAC_SECRET);
  }

  @Test
  void defaults_matchTheContract() {
    ServiceConfig config = config().build();

    assertThat(config.get(ListenerKeys.HOST)).isEqualTo("0.0.0.0");
    assertThat(config.get(IngestKeys.PORT)).isEqualTo(8080);
    assertThat(config.get(IngestKeys.MANAGEMENT_PORT)).isEqualTo(9180);
    assertThat(config.get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("127.0.0.1:9092");
    assertThat(config.get(KafkaKeys.RESULTS_TOPIC)).isEqualTo("posrelay.results");
    assertThat(config.get(IngestKeys.PUBLISH_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(IngestKeys.MAX_BODY_BYTES)).isEqualTo(65536);
    assertThat(config.get(IngestKeys.MAX_IN_FLIGHT_PUBLISHES)).isEqualTo(1024);
    assertThat(config.get(IngestKeys.MAX_CONNECTIONS)).isEqualTo(10_000);
    assertThat(config.get(IngestKeys.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.get(IngestKeys.SHUTDOWN_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.get(IngestKeys.REQUEST_DEADLINE)).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.get(IngestKeys.SIGNATURE_MAX_SKEW)).isEqualTo(Duration.ofMinutes(5));
    // signatures and TLS off
    assertThat(config.get(IngestKeys.ILK_SECRET_FILE)).isEmpty();
    assertThat(config.get(IngestKeys.ILK_SECRETS)).isEmpty();
    assertThat(secrets(config)).isEmpty();
    assertThat(config.get(ListenerKeys.TLS_CERT_FILE)).isEmpty();
    assertThat(config.get(ListenerKeys.TLS_KEY_FILE)).isEmpty();
  }

  @Test
  void badValues_failNamingTheKeyAndTheRange() {
    assertThatThrownBy(() -> config().set(IngestKeys.PORT, 70_000).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("port: 70000 (expected: 0..65535), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.MANAGEMENT_PORT, -1).build())
        .hasMessage("management.port: -1 (expected: 0..65535), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(50))
        .build()).hasMessage("publish-timeout.ms: 50 (expected: 100..300000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(-5))
        .build()).hasMessage("publish-timeout.ms: -5 (expected: 100..300000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.REQUEST_DEADLINE, Duration.ofMillis(99))
        .build()).hasMessage("request-deadline.ms: 99 (expected: 100..3600000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.SIGNATURE_MAX_SKEW, Duration.ofMillis(999))
        .build()).hasMessage("signature-max-skew.ms: 999 (expected: 1000..3600000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.SIGNATURE_MAX_SKEW, Duration.ofHours(2))
        .build())
        .hasMessage("signature-max-skew.ms: 7200000 (expected: 1000..3600000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.SHUTDOWN_TIMEOUT, Duration.ZERO).build())
        .hasMessage("shutdown-timeout.ms: 0 (expected: 1..600000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.MAX_BODY_BYTES, 10).build())
        .hasMessage("max-body-bytes: 10 (expected: 256..16777216), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.MAX_IN_FLIGHT_PUBLISHES, 0).build())
        .hasMessage("max-in-flight-publishes: 0 (expected: 1..100000), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.MAX_CONNECTIONS, 0).build())
        .hasMessage("max-connections: 0 (expected: 1..1000000), from code");
    assertThatThrownBy(() -> config().set(ListenerKeys.HOST, " ").build())
        .hasMessageStartingWith("host: ");
    assertThatThrownBy(() -> config().set(KafkaKeys.RESULTS_TOPIC, "a b").build())
        .hasMessage("topic.results: a b (expected: [a-zA-Z0-9._-]{1,249}), from code");
  }

  @Test
  void idleTimeout_mustExceedThePublishTimeout() {
    assertThatThrownBy(() -> config().set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofSeconds(5))
        .set(IngestKeys.IDLE_TIMEOUT, Duration.ofSeconds(5)).build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("idle-timeout.ms: 5000 (expected: > publish-timeout.ms (5000)), from code");
    assertThatThrownBy(() -> config().set(IngestKeys.IDLE_TIMEOUT, Duration.ofHours(2)).build())
        .hasMessage("idle-timeout.ms: 7200000 (expected: 1..3600000), from code");
    assertThat(config().set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofSeconds(5))
        .set(IngestKeys.IDLE_TIMEOUT, Duration.ofMillis(5001)).build().get(IngestKeys.IDLE_TIMEOUT))
        .isEqualTo(Duration.ofMillis(5001));
  }

  @Test
  void managementPort_mustDifferFromTheWebhookPort_unlessBothAreFree() {
    assertThatThrownBy(() -> config().set(IngestKeys.MANAGEMENT_PORT, 8080).build())
        .hasMessage("management.port: 8080 (expected: not the webhook's port (8080)), from code");
    assertThat(config().set(IngestKeys.PORT, 0).set(IngestKeys.MANAGEMENT_PORT, 0).build()
        .get(IngestKeys.MANAGEMENT_PORT)).isZero();
  }

  @Test
  void kafkaBootstrap_isCheckedAsAListOfAddresses() {
    for (String bad : new String[] {"", "localhost", "localhost:x", "a:9092,", "a:0"}) {
      assertThatThrownBy(() -> config().set(KafkaKeys.BOOTSTRAP_SERVERS, bad).build())
          .as(bad).hasMessageStartingWith("kafka.bootstrap.servers: ")
          .hasMessageContaining("(expected: HOST:PORT[,HOST:PORT...])");
    }
    assertThat(config().set(KafkaKeys.BOOTSTRAP_SERVERS, "k1:9092,k2:9092,[::1]:9093").build()
        .get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("k1:9092,k2:9092,[::1]:9093");
    // Surrounding whitespace is dropped from every value, as from an environment variable.
    assertThat(config().set(KafkaKeys.BOOTSTRAP_SERVERS, " a:1").build()
        .get(KafkaKeys.BOOTSTRAP_SERVERS)).isEqualTo("a:1");
  }

  @Test
  void resultsProducer_isAcksAllIdempotent_withTimeoutsWithinThePublishTimeout() {
    ServiceConfig config = config()
        .set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(2000))
        .set("kafka.producer.compression.type", "lz4")
        .set("kafka.security.protocol", "SSL")
        .build();

    Map<String, Object> props = IngestKeys.resultsProducerProperties(config);

    assertThat(props).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("max.block.ms", 2000L)
        .containsEntry("delivery.timeout.ms", 2000)
        .containsEntry("request.timeout.ms", 1995)
        .containsEntry("linger.ms", 5)
        .containsEntry("client.id", "posrelay-ilk-ingest")
        .containsEntry("compression.type", "lz4")
        .containsEntry("security.protocol", "SSL")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092");
  }

  @Test
  void lingerIsTuning_theRequestTimeoutMakesRoomForIt_butNotPastThePublishTimeout() {
    Map<String, Object> props = IngestKeys.resultsProducerProperties(config()
        .set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(2000))
        .set("kafka.producer.linger.ms", "20").set("kafka.producer.client.id", "ingest-7")
        .build());
    assertThat(props).containsEntry("linger.ms", "20").containsEntry("request.timeout.ms", 1980)
        .containsEntry("delivery.timeout.ms", 2000).containsEntry("client.id", "ingest-7");

    assertThatThrownBy(() -> config().set("kafka.producer.linger.ms", "5000").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("kafka.producer.linger.ms: 5000 (expected: < publish-timeout.ms"
            + " (5000)");
  }

  @Test
  void unsafeKafkaOverrides_failNamingTheKey() {
    assertThatThrownBy(() -> config().set("kafka.producer.acks", "1").build())
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("kafka.producer.acks: 1 (expected: all or -1, for the results"
            + " producer: a 202 promises ILK the result is stored");
    assertThatThrownBy(() -> config().set("kafka.acks", "0").build())
        .hasMessageStartingWith("kafka.acks: 0 (expected: all or -1, for the results producer");
    assertThatThrownBy(() -> config().set("kafka.producer.enable.idempotence", "false").build())
        .hasMessageStartingWith("kafka.producer.enable.idempotence: false (expected: true, for"
            + " the results producer");
    for (String derived : List.of("delivery.timeout.ms", "request.timeout.ms", "max.block.ms")) {
      assertThatThrownBy(() -> config().set("kafka.producer." + derived, "60000").build())
          .as(derived).hasMessage("kafka.producer." + derived + ": 60000 (expected: unset; set it"
              + " with publish-timeout.ms), from code");
    }
    assertThatThrownBy(() -> config().set("kafka.producer.bootstrap.servers", "x:1").build())
        .hasMessage("kafka.producer.bootstrap.servers: x:1 (expected: unset; set it with"
            + " kafka.bootstrap.servers), from code");
    assertThat(config().set("kafka.producer.acks", "-1").build().kafka()
        .properties(IngestKeys.RESULTS_PRODUCER, Map.of())).containsEntry("acks", "all");
  }

  @Test
  void receiptsConsumer_commitsItself_readsCommitted_andGivesUpAKilledMembersPartitionsIn10s() {
    Map<String, Object> props = IngestKeys.receiptsConsumerProperties(config()
        .set(IngestKeys.ILK_RECEIPT_GROUP_ID, "receipts-7").build());

    assertThat(props).containsEntry("group.id", "receipts-7")
        .containsEntry("enable.auto.commit", "false")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("max.poll.records", 100)
        .containsEntry("session.timeout.ms", 10_000)
        .containsEntry("heartbeat.interval.ms", 3_333)
        .containsEntry("fetch.min.bytes", 64 * 1024)
        .containsEntry("fetch.max.wait.ms", 250);
    assertThat(IngestKeys.receiptsConsumerProperties(config()
        .set("kafka.consumer.session.timeout.ms", "45000").build()))
        .containsEntry("session.timeout.ms", "45000");
  }

  @Test
  void secrets_comeFromAFileOrTheEnvironment_theFileWinning() throws Exception {
    Path file = Files.writeString(dir.resolve("ilk.secrets"), CURRENT + "\n" + PREVIOUS + "\n");
    ServiceConfig fromFile = ConfigSources.load(IngestKeys.SPEC,
        Map.of("ilk-secret-file", file.toString()), Map.of(),
        Map.of("POSRELAY_ILK_SECRETS", "ignored-because-the-file-wins-0123456789"), List.of());
    assertThat(secrets(fromFile)).get().satisfies(s -> {
      assertThat(s.size()).isEqualTo(2);
      assertThat(s.currentText()).isEqualTo(CURRENT);
    });

    ServiceConfig fromEnv = ConfigSources.load(IngestKeys.SPEC, Map.of(), Map.of(),
        Map.of("POSRELAY_ILK_SECRETS", CURRENT), List.of());
    assertThat(secrets(fromEnv)).get().extracting(RotatingSecrets::size).isEqualTo(1);
    assertThat(IngestKeys.ILK_SECRETS.env()).isEqualTo("POSRELAY_ILK_SECRETS");
  }

  @Test
  void printConfig_neverShowsASecret() throws Exception {
    Path file = Files.writeString(dir.resolve("ilk.secrets"), CURRENT + "\n");
    StringWriter out = new StringWriter();
    CommandLine cmd = IlkIngestCommand.command(Map.of("POSRELAY_ILK_SECRETS", PREVIOUS))
        .setOut(new PrintWriter(out, true));

    assertThat(cmd.execute("--ilk-secret-file", file.toString(), "--print-config")).isZero();

    assertThat(out.toString()).contains("ilk-secret-file=" + file, "#ilk-secrets=[hidden]")
        .doesNotContain(CURRENT).doesNotContain(PREVIOUS);
    assertThat(IngestKeys.ILK_SECRETS.isSecret()).isTrue();
    assertThat(cmd.getCommandSpec().findOption("--ilk-secrets")).isNull();
  }

  @Test
  void badSecret_exitsWith2_namingTheKey_neverTheSecret() throws Exception {
    String shortSecret = "short-and-secret";
    StringWriter err = new StringWriter();
    CommandLine cmd = IlkIngestCommand.command(Map.of("POSRELAY_ILK_SECRETS", shortSecret))
        .setErr(new PrintWriter(err, true));

    assertThat(cmd.execute("--port", "0")).isEqualTo(2);
    assertThat(err.toString())
        .contains("ilk-ingest: ilk-secrets: secret 1 has 16 characters (expected: 32..4096")
        .doesNotContain(shortSecret);

    Path three = Files.writeString(dir.resolve("three"),
        CURRENT + "\n" + PREVIOUS + "\n" + CURRENT + "x\n");
    StringWriter err2 = new StringWriter();
    assertThat(IlkIngestCommand.command(Map.of()).setErr(new PrintWriter(err2, true))
        .execute("--ilk-secret-file", three.toString())).isEqualTo(2);
    assertThat(err2.toString()).contains("ilk-secret-file: " + three + ": 3 secrets")
        .doesNotContain(CURRENT);
  }

  @Test
  void halfATlsPair_exitsWith2_namingTheMissingKey() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    assertThat(config().set(ListenerKeys.TLS_CERT_FILE, Optional.of(certs.certFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(certs.keyFile())).build()
        .get(ListenerKeys.TLS_CERT_FILE)).contains(certs.certFile());

    StringWriter err = new StringWriter();
    int exit = IlkIngestCommand.command(Map.of()).setErr(new PrintWriter(err, true))
        .execute("--tls-cert-file", certs.certFile().toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("tls-key-file: (empty) (expected: set together with"
        + " tls-cert-file), from default");
  }

  @Test
  void command_badValue_exitsWith2NamingTheFlagAndTheRange() {
    StringWriter err = new StringWriter();
    CommandLine cmd = IlkIngestCommand.command(Map.of()).setErr(new PrintWriter(err, true));

    assertThat(cmd.execute("--publish-timeout-ms", "5")).isEqualTo(2);
    assertThat(err.toString()).contains(
        "ilk-ingest: publish-timeout.ms: 5 (expected: 100..300000), from --publish-timeout-ms");

    StringWriter err2 = new StringWriter();
    assertThat(IlkIngestCommand.command(Map.of("POSRELAY_MAX_IN_FLIGHT_PUBLISHES", "0"))
        .setErr(new PrintWriter(err2, true)).execute()).isEqualTo(2);
    assertThat(err2.toString()).contains("max-in-flight-publishes: 0 (expected: 1..100000),"
        + " from env POSRELAY_MAX_IN_FLIGHT_PUBLISHES");
  }

  @Test
  void command_mapsFlagsToKeys() {
    Map<String, String> values = printConfig(Map.of(), "--kafka", "k1:9092", "--host",
        "127.0.0.1", "--port", "0", "--management-port", "0", "--topic-results", "ilk.results",
        "--publish-timeout-ms", "2000", "--max-body-bytes", "1024",
        "--max-in-flight-publishes", "7", "--max-connections", "10", "--idle-timeout-ms", "9000",
        "--shutdown-timeout-ms", "3000", "--request-deadline-ms", "2500",
        "--signature-max-skew-ms", "60000");

    assertThat(values).containsEntry("kafka.bootstrap.servers", "k1:9092")
        .containsEntry("host", "127.0.0.1")
        .containsEntry("port", "0")
        .containsEntry("management.port", "0")
        .containsEntry("topic.results", "ilk.results")
        .containsEntry("publish-timeout.ms", "2000")
        .containsEntry("max-body-bytes", "1024")
        .containsEntry("max-in-flight-publishes", "7")
        .containsEntry("max-connections", "10")
        .containsEntry("idle-timeout.ms", "9000")
        .containsEntry("shutdown-timeout.ms", "3000")
        .containsEntry("request-deadline.ms", "2500")
        .containsEntry("signature-max-skew.ms", "60000");
    assertThat(printConfig(Map.of(), "--signature-max-skew-ms", "1000"))
        .containsEntry("signature-max-skew.ms", "1000");
  }

  @Test
  void help_listsTheOptions_andSecretsOnlyAsVariables() {
    String usage = IlkIngestCommand.command(Map.of()).getUsageMessage();

    assertThat(usage).contains("ilk-ingest", "--kafka", "--kafka-bootstrap-servers", "--host",
        "--port", "--management-port", "--topic-results", "--publish-timeout-ms",
        "--max-body-bytes", "--max-in-flight-publishes", "POSRELAY_KAFKA_BOOTSTRAP_SERVERS",
        "--ilk-secret-file", "POSRELAY_ILK_SECRETS", "--signature-max-skew-ms",
        "--request-deadline-ms", "--tls-cert-file", "--tls-key-file", "--config",
        "--print-config");
    assertThat(usage).doesNotContain("--topic ").doesNotContain("--ilk-secrets");
    assertThat(ConfigDocs.markdown(IngestKeys.SPEC))
        .contains("| `ilk-secrets` | (none: a secret) | `POSRELAY_ILK_SECRETS` |")
        .contains("| `management.port` | `--management-port` | `POSRELAY_MANAGEMENT_PORT` |"
            + " `9180` |")
        .contains("results producer (`kafka.producer.*`)");
  }

  private static Map<String, String> printConfig(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = IlkIngestCommand.command(env).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true));
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--print-config";
    assertThat(cmd.execute(all)).as(err.toString()).isZero();
    Map<String, String> values = new LinkedHashMap<>();
    out.toString().lines().filter(l -> !l.startsWith("#") && l.contains("="))
        .forEach(l -> values.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
    return values;
  }
}
