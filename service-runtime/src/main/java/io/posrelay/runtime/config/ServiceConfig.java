package io.posrelay.runtime.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The validated configuration of one service: every key of its {@link ConfigSpec} parsed and
 * checked, plus its Kafka pass-through properties. Built once at start (by the launcher from flags,
 * environment and config files, or by {@link #builder} in tests and embedded use) and read with
 * {@link #get}. Immutable and thread-safe.
 */
public final class ServiceConfig {
  private final ConfigSpec spec;
  private final Map<String, Object> values;
  private final Map<String, Setting> settings;
  private final KafkaSettings kafka;

  private ServiceConfig(ConfigSpec spec, Map<String, Setting> given) {
    this.spec = spec;
    Map<String, Object> parsed = new HashMap<>();
    Map<String, Setting> effective = new LinkedHashMap<>();
    Map<String, Setting> passThrough = new LinkedHashMap<>();
    for (ConfigKey<?> key : spec.keys()) {
      Setting setting = given.get(key.name());
      parsed.put(key.name(), parse(key, setting));
      effective.put(key.name(),
          setting != null ? setting : new Setting(key.defaultText(), Setting.DEFAULT));
    }
    given.forEach((name, setting) -> {
      if (spec.key(name).isEmpty()) {
        if (!name.startsWith(KafkaSettings.PREFIX)) {
          throw new InvalidConfigException(name + ": unknown key, from " + setting.source()
              + " (expected: a key of " + spec.service() + ", see --help, or kafka.<property>)");
        }
        passThrough.put(name, setting);
      }
    });
    this.values = parsed;
    this.settings = effective;
    this.kafka = KafkaSettings.check(passThrough, spec.kafkaRoles());
    for (ConfigSpec.Constraint constraint : spec.constraints()) {
      constraint.check(this);
    }
  }

  /**
   * Parses and checks {@code given} against {@code spec}.
   *
   * @param given key → text and source; keys missing take their defaults
   * @throws InvalidConfigException naming the first bad key
   */
  static ServiceConfig parse(ConfigSpec spec, Map<String, Setting> given) {
    return new ServiceConfig(spec, given);
  }

  private static @Nullable Object parse(ConfigKey<?> key, @Nullable Setting setting) {
    Object value;
    if (setting == null) {
      if (key.isRequired()) {
        throw new InvalidConfigException(key.name() + ": missing (expected: "
            + describeExpected(key) + "; set " + key.flag() + ", " + key.env() + " or "
            + key.name() + " in a --config file)");
      }
      value = key.defaultValue();
    } else {
      try {
        value = ConfigDef.parseType(key.name(), setting.value().strip(), key.type());
      } catch (ConfigException e) {
        throw invalid(key, setting, "expected: " + describeExpected(key));
      }
    }
    ConfigDef.Validator validator = key.validator();
    if (validator != null && value != null) {
      try {
        validator.ensureValid(key.name(), value);
      } catch (ConfigException e) {
        String message = String.valueOf(e.getMessage());
        int reason = message.indexOf(": expected: ");
        throw invalid(key, setting, reason < 0 ? message : message.substring(reason + 2));
      }
    }
    return key.fromParsed(value);
  }

  private static InvalidConfigException invalid(ConfigKey<?> key, @Nullable Setting setting,
      String expected) {
    String value = setting == null ? key.defaultText() : setting.value();
    return new InvalidConfigException(key.name() + ": "
        + (key.isSecret() ? Setting.HIDDEN : value.isEmpty() ? "(empty)" : value) + " ("
        + expected + "), from " + (setting == null ? Setting.DEFAULT : setting.source()));
  }

  private static String describeExpected(ConfigKey<?> key) {
    String values = key.validValues();
    if (!values.isEmpty()) {
      return values;
    }
    Type type = key.type();
    return switch (type) {
      case INT, LONG, SHORT -> "a whole number";
      case BOOLEAN -> "true or false";
      case DOUBLE -> "a number";
      default -> "a value";
    };
  }

  /**
   * The value of {@code key}.
   *
   * @throws IllegalArgumentException if {@code key} is not one of this service's keys
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!values.containsKey(key.name()) || spec.key(key.name()).orElse(null) != key) {
      throw new IllegalArgumentException(
          key.name() + " is not a key of " + spec.service() + " (a programming error)");
    }
    return (T) values.get(key.name());
  }

  /** The Kafka pass-through properties, for building the service's Kafka clients. */
  public KafkaSettings kafka() {
    return kafka;
  }

  /** The table this configuration follows. */
  public ConfigSpec spec() {
    return spec;
  }

  /**
   * Makes an {@link InvalidConfigException} about {@code key}'s value, for {@link
   * ConfigSpec.Constraint}s: {@code "tls-key-file: (empty) (expected: set together with
   * tls-cert-file), from default"}.
   *
   * @param expected what was expected, e.g. {@code "set together with tls-cert-file"}
   */
  public InvalidConfigException invalid(ConfigKey<?> key, String expected) {
    return invalid(key, settings.get(key.name()), "expected: " + expected);
  }

  /**
   * The effective configuration as a Java properties file: every key with its value (a secret as a
   * commented-out {@code [hidden]} line), each value that is not the default preceded by a comment
   * naming where it came from. Safe to print and to log.
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(spec.service())
        .append(": effective configuration (precedence: flag > environment > file > default)\n");
    Map<String, Setting> all = new LinkedHashMap<>(settings);
    all.putAll(kafka.describe());
    all.forEach((name, setting) -> {
      boolean hidden = spec.key(name).map(ConfigKey::isSecret).orElse(false)
          || setting.value().equals(Setting.HIDDEN);
      if (!setting.source().equals(Setting.DEFAULT)) {
        out.append("# from ").append(setting.source()).append('\n');
      }
      if (hidden) {
        out.append('#').append(name).append('=')
            .append(setting.value().isEmpty() ? "" : Setting.HIDDEN).append('\n');
      } else {
        out.append(name).append('=').append(escape(setting.value())).append('\n');
      }
    });
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /**
   * A configuration set by a program (tests, embedded use, the benchmark): every key not set takes
   * its default.
   */
  public static Builder builder(ConfigSpec spec) {
    return new Builder(spec);
  }

  /** Sets values by key; {@link #build()} validates them as if they came from a file. */
  public static final class Builder {
    private final ConfigSpec spec;
    private final Map<String, Setting> given = new LinkedHashMap<>();

    private Builder(ConfigSpec spec) {
      this.spec = spec;
    }

    /** Sets {@code key} to {@code value} (a {@code Duration} as milliseconds, and so on). */
    public <T> Builder set(ConfigKey<T> key, T value) {
      given.put(key.name(), new Setting(ConfigKey.text(value), "code"));
      return this;
    }

    /** Sets a key by name, e.g. a pass-through {@code kafka.security.protocol}. */
    public Builder set(String name, String value) {
      given.put(name, new Setting(value, "code"));
      return this;
    }

    /** Sets every entry of {@code values}, by name. */
    public Builder setAll(Map<String, String> values) {
      values.forEach(this::set);
      return this;
    }

    /**
     * The configuration.
     *
     * @throws InvalidConfigException naming the first bad key
     */
    public ServiceConfig build() {
      return parse(spec, given);
    }

    /** The names set so far, for tests. */
    List<String> names() {
      return new ArrayList<>(given.keySet());
    }
  }
}
