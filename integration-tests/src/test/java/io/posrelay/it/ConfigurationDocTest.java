package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.AdminKeys;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.runtime.config.ConfigDocs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md holds, between its two markers, the reference tables generated from the
 * three services' key tables. This test fails when they differ; {@code mvn -pl integration-tests
 * -am test -Dtest=ConfigurationDocTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dposrelay.docs.update=true} writes the current tables into the file.
 */
class ConfigurationDocTest {
  static final String BEGIN = "<!-- BEGIN GENERATED: the key tables; see ConfigurationDocTest -->";
  static final String END = "<!-- END GENERATED -->";

  @Test
  void configurationMd_listsEveryKeyOfEveryService_asTheKeyTablesDefineThem() throws Exception {
    Path doc = docs().resolve("configuration.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    String generated = Stream.of(IngestKeys.SPEC, RelayKeys.SPEC, AdminKeys.SPEC)
        .map(ConfigDocs::markdown)
        .collect(Collectors.joining("\n"));
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("marker " + BEGIN + " in " + doc).isNotNegative();
    assertThat(end).as("marker " + END + " in " + doc).isGreaterThan(begin);
    String current = text.substring(begin + BEGIN.length(), end).strip();
    if (Boolean.getBoolean("posrelay.docs.update") && !current.equals(generated.strip())) {
      Files.writeString(doc, text.substring(0, begin + BEGIN.length()) + "\n\n"
          + generated.strip() + "\n\n" + text.substring(end), StandardCharsets.UTF_8);
      return;
    }
    assertThat(current).as("docs/configuration.md is out of date with the key tables; rerun this"
        + " test with -Dposrelay.docs.update=true").isEqualTo(generated.strip());
  }

  static Path docs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/configuration.md"))) {
        return dir.resolve("docs");
      }
    }
    throw new AssertionError("docs/configuration.md not found above " + Path.of("").toAbsolutePath());
  }
}
