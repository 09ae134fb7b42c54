package io.posrelay.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One key table, its sources and their precedence, validation messages and redaction. */
class ServiceConfigTest {
  static final ConfigKey<Duration> TIMEOUT = ConfigKey.millis("ack-timeout.ms",
      Duration.ofSeconds(5), Checks.atLeast(1), "How long.");
  static final ConfigKey<Integer> PORT = ConfigKey.port("port", 7001, "The port.");
  static final ConfigKey<String> NAME = ConfigKey.string("node-id", "n1",
      Checks.matches("[a-z0-9]+"), "The name.");
  static final ConfigKey<Boolean> FLAG = ConfigKey.bool("reflection-requires-token", false,
      "A switch.");
  static final ConfigKey<Optional<Path>> FILE = ConfigKey.optionalPath("secret-file", "A file.");
  static final ConfigKey<Optional<String>> SECRET = ConfigKey.secret("secrets", "The secrets.");
  static final KafkaClientRole PRODUCER =
      KafkaClientRole.of(KafkaClientRole.Kind.PRODUCER, "claims producer")
          .require("acks", "all", "a claim must not be lost", "-1")
          .byDefault("linger.ms", 20)
          .derivedFrom("bootstrap.servers", "kafka.bootstrap.servers");
  static final KafkaClientRole READER =
      KafkaClientRole.of(KafkaClientRole.Kind.CONSUMER, "results reader")
          .require("group.id", KafkaClientRole.UNSET, "every node reads every result");
  static final ConfigSpec SPEC = ConfigSpec.builder("test-service", "A service for tests.")
      .keys(TIMEOUT, PORT, NAME, FLAG, FILE, SECRET)
      .constraint(c -> {
        if (c.get(PORT) == 1) {
          throw c.invalid(PORT, "not 1");
        }
      })
      .kafka(PRODUCER, READER)
      .build();

  @TempDir Path dir;

  private static ServiceConfig load(Map<String, String> flags, Map<String, String> env,
      Path... files) {
    return ConfigSources.load(SPEC, flags, Map.of(), env, List.of(files));
  }

  @Test
  void everyKey_takesItsDefault_typed() {
    ServiceConfig config = load(Map.of(), Map.of());

    assertThat(config.get(TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.get(PORT)).isEqualTo(7001);
    assertThat(config.get(NAME)).isEqualTo("n1");
    assertThat(config.get(FLAG)).isFalse();
    assertThat(config.get(FILE)).isEmpty();
    assertThat(config.get(SECRET)).isEmpty();
  }

  @Test
  void flagBeatsEnvironment_whichBeatsFiles_aLaterFileBeatingAnEarlierOne() throws Exception {
    Path first = Files.writeString(dir.resolve("a.properties"),
        "ack-timeout.ms=1000\nport=1001\nnode-id=fromfirst\nreflection-requires-token=true\n");
    Path second = Files.writeString(dir.resolve("b.properties"), "ack-timeout.ms=2000\nport=1002\n"
        + "node-id=fromsecond\n");
    ServiceConfig config = load(Map.of("ack-timeout.ms", "4000"),
        Map.of("POSRELAY_ACK_TIMEOUT_MS", "3000", "POSRELAY_PORT", "1003", "POSRELAY_NODE_ID", "",
            "OTHER_VARIABLE", "x", "POSRELAY_UNRELATED", "y"),
        first, second);

    assertThat(config.get(TIMEOUT)).isEqualTo(Duration.ofMillis(4000));
    assertThat(config.get(PORT)).isEqualTo(1003);
    assertThat(config.get(NAME)).as("an empty variable counts as unset").isEqualTo("fromsecond");
    assertThat(config.get(FLAG)).isTrue();
  }

  @Test
  void unknownKeyInAFile_failsNamingTheKeyAndTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("relay.properties"), "ack-timeot.ms=1000\n");

    assertThatThrownBy(() -> load(Map.of(), Map.of(), file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("ack-timeot.ms: unknown key, from file " + file);
  }

  @Test
  void unreadableFile_failsNamingIt() {
    Path missing = dir.resolve("missing.properties");

    assertThatThrownBy(() -> load(Map.of(), Map.of(), missing))
        .hasMessage("--config " + missing + ": cannot read it (NoSuchFileException) (expected: a"
            + " readable Java properties file)");
  }

  @Test
  void badValues_nameTheKeyTheRangeAndTheSource() {
    assertThatThrownBy(() -> load(Map.of("ack-timeout.ms", "-5"), Map.of()))
        .hasMessage("ack-timeout.ms: -5 (expected: >= 1), from --ack-timeout-ms");
    assertThatThrownBy(() -> load(Map.of(), Map.of("POSRELAY_PORT", "seventy")))
        .hasMessage("port: seventy (expected: 0..65535), from env POSRELAY_PORT");
    assertThatThrownBy(() -> load(Map.of("reflection-requires-token", "yes"), Map.of()))
        .hasMessage("reflection-requires-token: yes (expected: true or false), from"
            + " --reflection-requires-token");
    assertThatThrownBy(() -> load(Map.of("node-id", "Bad Name"), Map.of()))
        .hasMessage("node-id: Bad Name (expected: [a-z0-9]+), from --node-id");
    assertThatThrownBy(() -> load(Map.of("port", "1"), Map.of()))
        .hasMessage("port: 1 (expected: not 1), from --port");
  }

  @Test
  void secrets_areNeverShown_inMessagesOrTheDescription() {
    ServiceConfig config = load(Map.of(), Map.of("POSRELAY_SECRETS", "s3cr3t-value",
        "POSRELAY_KAFKA_SASL_JAAS_CONFIG", "org.Module required password=\"hunter2\";",
        "POSRELAY_KAFKA_SSL_KEY_PASSWORD", "hunter3"));

    assertThat(config.get(SECRET)).contains("s3cr3t-value");
    assertThat(config.describe())
        .contains("# from env POSRELAY_SECRETS\n#secrets=[hidden]\n")
        .contains("#kafka.sasl.jaas.config=[hidden]")
        .contains("#kafka.ssl.key.password=[hidden]")
        .contains("ack-timeout.ms=5000\n")
        .doesNotContain("s3cr3t").doesNotContain("hunter2").doesNotContain("hunter3");
  }

  @Test
  void kafkaPassThrough_fromFileAndEnvironment_reachesTheRightClients() throws Exception {
    Path file = Files.writeString(dir.resolve("kafka.properties"),
        "kafka.security.protocol=SASL_SSL\nkafka.producer.linger.ms=5\n"
            + "kafka.consumer.fetch.min.bytes=1024\n");
    ServiceConfig config = load(Map.of(),
        Map.of("POSRELAY_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"), file);

    assertThat(config.kafka().properties(PRODUCER, Map.of("bootstrap.servers", "b:1")))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("linger.ms", "5")
        .containsEntry("acks", "all")
        .containsEntry("bootstrap.servers", "b:1")
        .doesNotContainKey("fetch.min.bytes");
    assertThat(config.kafka().properties(READER, Map.of()))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("fetch.min.bytes", "1024")
        .doesNotContainKey("linger.ms")
        .doesNotContainKey("group.id");
    assertThat(config.kafka().unknownKeys()).isEmpty();
  }

  @Test
  void unsafeOrDerivedKafkaSettings_failNamingTheKey() {
    assertThatThrownBy(() -> ServiceConfig.builder(SPEC).set("kafka.acks", "1").build())
        .hasMessage("kafka.acks: 1 (expected: all or -1, for the claims producer: a claim must not"
            + " be lost), from code");
    assertThat(ServiceConfig.builder(SPEC).set("kafka.producer.acks", "-1").build()
        .kafka().properties(PRODUCER, Map.of())).containsEntry("acks", "all");
    assertThatThrownBy(() -> ServiceConfig.builder(SPEC).set("kafka.consumer.group.id", "g")
        .build())
        .hasMessageStartingWith("kafka.consumer.group.id: g (expected: unset, for the results"
            + " reader");
    assertThatThrownBy(() -> ServiceConfig.builder(SPEC).set("kafka.bootstrap.servers", "x:1")
        .build())
        .hasMessageStartingWith("kafka.bootstrap.servers: x:1 (expected: unset; set it with"
            + " kafka.bootstrap.servers)");
    assertThatThrownBy(() -> ServiceConfig.builder(SPEC).set("kafka.producer.linger.ms", "soon")
        .build())
        .hasMessageStartingWith("kafka.producer.linger.ms: soon (");
  }

  @Test
  void aMisspelledKafkaKey_isNeverShown_itMayHoldAPassword() {
    ServiceConfig config = ServiceConfig.builder(SPEC)
        .set("kafka.sasl.jass.config", "Module required password=\"hunter4\";").build();

    assertThat(config.kafka().unknownKeys()).containsExactly("kafka.sasl.jass.config");
    assertThat(config.describe()).contains("#kafka.sasl.jass.config=[hidden]")
        .doesNotContain("hunter4");
  }

  @Test
  void kafkaPropertyNoClientKnows_isPassedOn_andReported() {
    ServiceConfig config = ServiceConfig.builder(SPEC)
        .set("kafka.sasl.login.callback.handler.custom", "x").build();

    assertThat(config.kafka().unknownKeys()).containsExactly(
        "kafka.sasl.login.callback.handler.custom");
    assertThat(config.kafka().properties(PRODUCER, Map.of()))
        .containsEntry("sasl.login.callback.handler.custom", "x");
  }

  @Test
  void addresses_needAHostAndAPortToConnectTo() {
    for (String bad : new String[] {"", "localhost", "localhost:x", "a:9092,", "a:0", ":9092",
        "a:65536"}) {
      assertThatThrownBy(() -> Checks.hostAndPorts().ensureValid("kafka.bootstrap.servers", bad))
          .as(bad).hasMessageContaining("expected: HOST:PORT[,HOST:PORT...]");
    }
    for (String good : new String[] {"k1:9092", "k1:9092,k2:9092,[::1]:9093", "a:1, b:65535"}) {
      Checks.hostAndPorts().ensureValid("kafka.bootstrap.servers", good);
    }
    assertThatThrownBy(() -> Checks.hostAndPortOrEmpty().ensureValid("admin.address", "a:0"))
        .hasMessageContaining("expected: HOST:PORT, or empty");
  }

  @Test
  void keyNames_deriveTheFlagAndTheVariable() {
    assertThat(TIMEOUT.flag()).isEqualTo("--ack-timeout-ms");
    assertThat(TIMEOUT.env()).isEqualTo("POSRELAY_ACK_TIMEOUT_MS");
    assertThat(ConfigKey.envOf("write-buffer.high-bytes"))
        .isEqualTo("POSRELAY_WRITE_BUFFER_HIGH_BYTES");
    assertThatThrownBy(() -> ConfigKey.millis("timeout", Duration.ZERO, null, "x"))
        .hasMessageContaining("ends in .ms");
    assertThatThrownBy(() -> ConfigSpec.builder("s", "d").keys(PORT, PORT))
        .hasMessage("config key defined twice: port");
  }

  @Test
  void docs_listEveryKeyWithItsFlagVariableAndDefault_secretsWithoutAFlag() {
    String table = ConfigDocs.markdown(SPEC);

    assertThat(table)
        .contains("## test-service")
        .contains("| `ack-timeout.ms` | `--ack-timeout-ms` | `POSRELAY_ACK_TIMEOUT_MS` | `5000` |"
            + " `>= 1` | How long. |")
        .contains("| `secrets` | (none: a secret) | `POSRELAY_SECRETS` | (unset) |")
        .contains("claims producer (`kafka.producer.*`)");
  }

  @Test
  void docs_escapeAnglesInProse_soMarkdownDoesNotTakeThemForHtml_butNotInCodeSpans() {
    ConfigKey<Optional<Path>> tokens = ConfigKey.optionalPath("token-file",
        "Calls carry 'authorization: Bearer <token>'.");
    ConfigKey<String> id = ConfigKey.string("node-id", "", Checks.matches("<a>|[a-z]+"),
        "Empty = relay-<host name>.");

    String table = ConfigDocs.markdown(
        ConfigSpec.builder("angles", "Reads <that>.").keys(tokens, id).build());

    assertThat(table)
        .contains("Reads &lt;that>.")
        .contains("| Calls carry 'authorization: Bearer &lt;token>'. |")
        .contains("| `<a>\\|[a-z]+` | Empty = relay-&lt;host name>. |");
  }
}
