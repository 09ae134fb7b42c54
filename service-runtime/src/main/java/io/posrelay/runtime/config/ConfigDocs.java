package io.posrelay.runtime.config;

import java.util.ArrayList;
import java.util.List;

/**
 * A service's keys as documentation: the reference table in Markdown, as docs/configuration.md
 * holds it (a test keeps that file current), and the example config file of its package
 * ({@code config/<service>.properties}, written at build time by {@link ConfigFileWriter}).
 * Stateless.
 */
public final class ConfigDocs {
  private static final int WIDTH = 100;

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
   * The example config file of {@code spec}: a header on precedence, secrets and the Kafka
   * pass-through, then every key in documentation order as a commented-out {@code key=default}
   * line under its doc, valid values, flag and environment variable. As written it changes
   * nothing (every key keeps its default); uncomment a line to set it. Loadable with {@link
   * java.util.Properties#load(java.io.Reader)}; lines are at most 100 characters but a key's own
   * line.
   */
  public static String properties(ConfigSpec spec) {
    StringBuilder out = new StringBuilder();
    comment(out, spec.service() + " configuration: every key, with its default and what it"
        + " does. Generated from the service's key table at build time; docs/configuration.md"
        + " has the same reference.");
    out.append("#\n");
    comment(out, spec.description());
    out.append("#\n");
    comment(out, "Give this file with --config FILE (repeatable: a later file wins). A value"
        + " comes from, highest first: a flag, a POSRELAY_* environment variable, this file, the"
        + " default. A commented-out key keeps its default; an unknown key fails start-up"
        + " (exit 2). Keys starting with kafka. pass through to the Kafka clients, e.g."
        + " kafka.security.protocol=SASL_SSL (docs/configuration.md#kafka). Secrets never come"
        + " from a flag: keep a file that holds one readable by the service only (0600), or use"
        + " the environment variable.");
    for (ConfigKey<?> key : spec.keys()) {
      out.append('\n');
      comment(out, key.doc());
      List<String> facts = new ArrayList<>();
      if (key.isRequired()) {
        facts.add("Required.");
      }
      if (key.isSecret()) {
        facts.add("Secret: no flag; environment " + key.env() + ".");
      } else {
        facts.add("Flag " + key.flag() + key.flagAlias().map(a -> " or " + a).orElse("")
            + "; environment " + key.env() + ".");
      }
      if (!key.validValues().isEmpty()) {
        facts.add("Valid: " + key.validValues() + ".");
      }
      if (!key.isRequired() && !key.isSecret() && key.defaultText().isEmpty()) {
        facts.add("Default: unset.");
      }
      comment(out, String.join(" ", facts));
      out.append('#').append(key.name()).append('=').append(escape(key.defaultText()))
          .append('\n');
    }
    if (!spec.kafkaRoles().isEmpty()) {
      out.append('\n');
      comment(out, "Kafka clients of " + spec.service() + " (pass-through prefix): "
          + String.join(", ", spec.kafkaRoles().stream()
              .map(r -> r.name() + " (kafka." + r.kind().prefix() + ".*)").toList())
          + ". kafka.<property> goes to every client that knows the property.");
    }
    return out.toString();
  }

  /** Appends {@code text} as {@code # } comment lines of at most {@link #WIDTH} characters. */
  private static void comment(StringBuilder out, String text) {
    StringBuilder line = new StringBuilder("#");
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
        out.append(line).append('\n');
        line.setLength(1);
      }
      line.append(' ').append(word);
    }
    out.append(line).append('\n');
  }

  /** A value as a properties file reads it back: backslashes doubled, a leading blank kept. */
  private static String escape(String value) {
    String escaped = value.replace("\\", "\\\\");
    return escaped.startsWith(" ") ? "\\" + escaped : escaped;
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
