package io.posrelay.runtime.config;

/**
 * The reference table of a service's keys in Markdown, as docs/configuration.md holds it (a test
 * keeps that file current). Stateless.
 */
public final class ConfigDocs {
  private ConfigDocs() {}

  /**
   * The section of {@code spec}: a heading, the description, one table row per key (key, flag,
   * environment variable, default, valid values, doc) and the Kafka clients it creates.
   */
  public static String markdown(ConfigSpec spec) {
    StringBuilder out = new StringBuilder();
    out.append("## ").append(spec.service()).append("\n\n").append(prose(spec.description()))
        .append("\n\n| key | flag | environment | default | valid | what |\n")
        .append("|---|---|---|---|---|---|\n");
    for (ConfigKey<?> key : spec.keys()) {
      String flag = key.isSecret() ? "(none: a secret)" : "`" + key.flag() + "`"
          + key.flagAlias().map(a -> ", `" + a + "`").orElse("");
      String defaultText = key.isRequired() ? "(required)"
          : key.defaultText().isEmpty() ? "(unset)" : "`" + key.defaultText() + "`";
      out.append("| `").append(key.name()).append("` | ").append(flag).append(" | `")
          .append(key.env()).append("` | ").append(cell(defaultText)).append(" | ")
          .append(cell(key.validValues().isEmpty() ? "" : "`" + key.validValues() + "`"))
          .append(" | ").append(cell(prose(key.doc()))).append(" |\n");
    }
    if (!spec.kafkaRoles().isEmpty()) {
      out.append("\nKafka clients (pass-through prefix): ");
      out.append(String.join(", ", spec.kafkaRoles().stream()
          .map(r -> r.name() + " (`kafka." + r.kind().prefix() + ".*`)").toList()));
      out.append(".\n");
    }
    return out.toString();
  }

  /**
   * Text outside a code span, where Markdown reads {@code <word …>} as an HTML tag (which GitHub
   * drops with what it names: "Bearer <token>" showed as "Bearer "). Code spans show {@code <} as
   * is, so only prose is escaped.
   */
  private static String prose(String text) {
    return text.replace("<", "&lt;");
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
