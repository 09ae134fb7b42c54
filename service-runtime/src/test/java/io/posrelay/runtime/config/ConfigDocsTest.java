package io.posrelay.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.kafka.KafkaKeys;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example config file of a package, generated from a key table. */
class ConfigDocsTest {
  static final ConfigKey<Path> STATE_DIR = ConfigKey.path("state-dir", Path.of("a b", "c\\d"),
      "Where the state lives.");
  static final ConfigKey<List<String>> NAMES = ConfigKey.list("names", List.of("x", "y"), null,
      "Some names.");
  static final ConfigKey<Boolean> FLAG = ConfigKey.bool("flag", true, "A switch.");
  static final ConfigKey<Optional<String>> SECRET = ConfigKey.secret("secrets", "The secrets.");
  static final ConfigKey<String> REQUIRED = ConfigKey.string("name", null, null, "Must be given.");
  static final ConfigSpec SPEC = ConfigSpec.builder("test-service",
          "Does what tests need, which takes a description long enough to be wrapped over more"
              + " than one line of the file's header.")
      .keys(KafkaKeys.DEPLOYMENT)
      .keys(ListenerKeys.HOST, ListenerKeys.managementPort(9100), ListenerKeys.TLS_CERT_FILE,
          KafkaKeys.ACK_TIMEOUT, STATE_DIR, NAMES, FLAG, SECRET)
      .build();

  @TempDir Path dir;

  @Test
  void properties_listsEveryKeyCommentedOut_underItsDocFlagAndVariable() throws Exception {
    String file = ConfigDocs.properties(SPEC);

    assertThat(load(file)).as("as written, the file sets nothing").isEmpty();
    for (ConfigKey<?> key : SPEC.keys()) {
      assertThat(file).contains("\n#" + key.name() + "=");
    }
    assertThat(file)
        .contains("\n# How long a terminal has to ack a written result")
        .contains("# Flag --ack-timeout-ms; environment POSRELAY_ACK_TIMEOUT_MS. Valid: >= 1.\n")
        .contains("\n#ack-timeout.ms=5000\n")
        .contains("\n#kafka.bootstrap.servers=127.0.0.1:9092\n")
        .contains("Flag --kafka-bootstrap-servers or --kafka;")
        .contains("# Secret: no flag; environment POSRELAY_SECRETS.\n#secrets=\n")
        .contains("Default: unset.\n#tls-cert-file=\n");
    assertThat(file.lines().filter(l -> !l.matches("#[a-z0-9.-]+=.*")))
        .allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(100));
  }

  @Test
  void everyKeyUncommented_readsBackAsItsDefault() throws Exception {
    String uncommented = ConfigDocs.properties(SPEC).lines()
        .map(l -> SPEC.keys().stream().anyMatch(k -> !k.isSecret() && l.startsWith("#" + k.name()
            + "=")) ? l.substring(1) : l)
        .reduce("", (a, b) -> a + b + "\n");
    Path file = Files.writeString(dir.resolve("test-service.properties"), uncommented,
        StandardCharsets.UTF_8);

    assertThat(load(uncommented)).hasSize(SPEC.keys().size() - 1);
    ServiceConfig fromFile = ConfigSources.load(SPEC, Map.of(), Map.of(), Map.of(),
        List.of(file));
    ServiceConfig defaults = ConfigSources.load(SPEC, Map.of(), Map.of(), Map.of(), List.of());
    for (ConfigKey<?> key : SPEC.keys()) {
      assertThat((Object) fromFile.get(key)).as(key.name()).isEqualTo(defaults.get(key));
    }
    assertThat(fromFile.get(STATE_DIR)).isEqualTo(Path.of("a b", "c\\d"));
    assertThat(fromFile.get(KafkaKeys.ACK_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aRequiredKey_isMarkedRequired() {
    String file = ConfigDocs.properties(ConfigSpec.builder("s", "d").keys(REQUIRED).build());

    assertThat(file).contains("# Must be given.\n# Required. Flag --name; environment"
        + " POSRELAY_NAME.\n#name=\n");
  }

  private static Properties load(String text) throws Exception {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    return properties;
  }
}
