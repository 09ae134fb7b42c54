package io.posrelay.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.types.Password;
import org.jspecify.annotations.Nullable;

/**
 * One configuration key, defined once: its name, type, default, validator, doc, and whether it is
 * a secret. Everything else is derived from it by one rule each:
 *
 * <table>
 *   <caption>Where a key's value may come from (highest precedence first)</caption>
 *   <tr><th>source</th><th>rule</th><th>example for {@code ack-timeout.ms}</th></tr>
 *   <tr><td>flag</td><td>{@code --} + name, {@code .} → {@code -}; none for a secret</td>
 *       <td>{@code --ack-timeout-ms 5000}</td></tr>
 *   <tr><td>environment</td><td>{@code POSRELAY_} + name upper-cased, {@code .} and {@code -}
 *       → {@code _}</td><td>{@code POSRELAY_ACK_TIMEOUT_MS=5000}</td></tr>
 *   <tr><td>config file ({@code --config})</td><td>the name itself, Java properties syntax</td>
 *       <td>{@code ack-timeout.ms=5000}</td></tr>
 *   <tr><td>default</td><td>{@link #defaultText()}</td><td>{@code 5000}</td></tr>
 * </table>
 *
 * <p>The value is parsed and validated by Kafka's {@link ConfigDef} (the model every Kafka Connect
 * user knows), then converted to {@code T}: a key ending in {@code .ms} reads as a {@link
 * Duration}, a {@code …-file} key as a {@link Path}, an optional key as an {@link Optional}.
 * Immutable and thread-safe; define keys as {@code static final} constants next to the code that
 * reads them.
 *
 * @param <T> the type the service reads
 */
public final class ConfigKey<T> {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

  private final String name;
  private final Type type;
  private final @Nullable Object defaultValue;
  private final @Nullable Validator validator;
  private final String doc;
  private final String valueLabel;
  private final Function<@Nullable Object, T> fromParsed;
  private final @Nullable String flagAlias;

  private ConfigKey(String name, Type type, @Nullable Object defaultValue,
      @Nullable Validator validator, String doc, String valueLabel,
      Function<@Nullable Object, T> fromParsed, @Nullable String flagAlias) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("config key name: " + name
          + " (expected: lower-case words joined by '.' or '-')");
    }
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.validator = validator;
    this.doc = doc;
    this.valueLabel = valueLabel;
    this.fromParsed = fromParsed;
    this.flagAlias = flagAlias;
  }

  /** A text key; {@code defaultValue} null = required. */
  public static ConfigKey<String> string(String name, @Nullable String defaultValue,
      @Nullable Validator validator, String doc) {
    return new ConfigKey<>(name, Type.STRING,
        defaultValue == null ? ConfigDef.NO_DEFAULT_VALUE : defaultValue, validator, doc, "TEXT",
        v -> (String) v, null);
  }

  /** A whole number. */
  public static ConfigKey<Integer> integer(String name, int defaultValue,
      @Nullable Validator validator, String doc) {
    return new ConfigKey<>(name, Type.INT, defaultValue, validator, doc, "N", v -> (Integer) v,
        null);
  }

  /** A long whole number, e.g. a count that may pass 2^31. */
  public static ConfigKey<Long> longInteger(String name, long defaultValue,
      @Nullable Validator validator, String doc) {
    return new ConfigKey<>(name, Type.LONG, defaultValue, validator, doc, "N", v -> (Long) v,
        null);
  }

  /** A TCP port, 0..65535; 0 = a free one chosen at start. */
  public static ConfigKey<Integer> port(String name, int defaultValue, String doc) {
    return new ConfigKey<>(name, Type.INT, defaultValue, Checks.between(0, 65535),
        doc + " 0 = a free port.", "PORT", v -> (Integer) v, null);
  }

  /**
   * A duration in milliseconds; the name must end in {@code .ms}.
   *
   * @param validator checks the number of milliseconds
   */
  public static ConfigKey<Duration> millis(String name, Duration defaultValue,
      @Nullable Validator validator, String doc) {
    if (!name.endsWith(".ms")) {
      throw new IllegalArgumentException("config key name: " + name + " (expected: ends in .ms)");
    }
    return new ConfigKey<>(name, Type.LONG, defaultValue.toMillis(), validator, doc, "MS",
        v -> Duration.ofMillis((Long) v), null);
  }

  /** {@code true} or {@code false} (any case). */
  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String doc) {
    return new ConfigKey<>(name, Type.BOOLEAN, defaultValue, null, doc, "true|false",
        v -> (Boolean) v, null);
  }

  /** A file or directory with a default. */
  public static ConfigKey<Path> path(String name, Path defaultValue, String doc) {
    return new ConfigKey<>(name, Type.STRING, defaultValue.toString(), Checks.nonBlank(), doc,
        "PATH", v -> Path.of((String) v), null);
  }

  /** A file or directory that may be left unset (empty = unset). */
  public static ConfigKey<Optional<Path>> optionalPath(String name, String doc) {
    return new ConfigKey<>(name, Type.STRING, "", null, doc, "PATH",
        v -> v == null || ((String) v).isBlank() ? Optional.empty()
            : Optional.of(Path.of(((String) v).strip())), null);
  }

  /**
   * A secret value (a password, the secrets themselves): never a flag, never printed or logged
   * ({@code --print-config} and docs show {@code [hidden]}). May be left unset.
   */
  public static ConfigKey<Optional<String>> secret(String name, String doc) {
    return new ConfigKey<>(name, Type.PASSWORD, null, null, doc, "SECRET",
        v -> v == null ? Optional.empty() : Optional.of(((Password) v).value()), null);
  }

  /** A comma-separated list. */
  public static ConfigKey<List<String>> list(String name, List<String> defaultValue,
      @Nullable Validator validator, String doc) {
    @SuppressWarnings("unchecked")
    Function<@Nullable Object, List<String>> cast = v -> List.copyOf((List<String>) v);
    return new ConfigKey<>(name, Type.LIST, defaultValue, validator, doc, "A,B", cast, null);
  }

  /**
   * This key with a second, shorter flag (e.g. {@code --kafka} for {@code
   * kafka.bootstrap.servers}).
   */
  public ConfigKey<T> withFlagAlias(String alias) {
    return new ConfigKey<>(name, type, defaultValue, validator, doc, valueLabel, fromParsed,
        alias);
  }

  /** This key with another value label in {@code --help}, e.g. {@code HOST:PORT}. */
  public ConfigKey<T> withValueLabel(String label) {
    return new ConfigKey<>(name, type, defaultValue, validator, doc, label, fromParsed,
        flagAlias);
  }

  /** The key's name, as in a config file: {@code ack-timeout.ms}. */
  public String name() {
    return name;
  }

  /** The flag: {@code --ack-timeout-ms}. A secret has none: see {@link #isSecret()}. */
  public String flag() {
    return flagOf(name);
  }

  /** The shorter flag, if any. */
  public Optional<String> flagAlias() {
    return Optional.ofNullable(flagAlias);
  }

  /** The environment variable: {@code POSRELAY_ACK_TIMEOUT_MS}. */
  public String env() {
    return envOf(name);
  }

  /** The flag of a config key name: {@code --} + name, {@code .} → {@code -}. */
  public static String flagOf(String name) {
    return "--" + name.replace('.', '-');
  }

  /** The environment variable of a config key name. */
  public static String envOf(String name) {
    return "POSRELAY_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Whether the value is {@code true} or {@code false}: its flag may be given without a value,
   * which means {@code true} ({@code --reflection-requires-token}).
   */
  public boolean isBoolean() {
    return type == Type.BOOLEAN;
  }

  /** Whether the value is a secret: no flag, and never shown. */
  public boolean isSecret() {
    return type == Type.PASSWORD;
  }

  /** What the doc says the key is for. */
  public String doc() {
    return doc;
  }

  /** The placeholder of the value in {@code --help}: {@code MS}, {@code PORT}, {@code PATH}... */
  public String valueLabel() {
    return valueLabel;
  }

  /** The default as it would be written in a config file; {@code ""} when unset or required. */
  public String defaultText() {
    if (defaultValue == null || defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
      return "";
    }
    return text(defaultValue);
  }

  /** Whether the key has no default and must be given. */
  public boolean isRequired() {
    return defaultValue == ConfigDef.NO_DEFAULT_VALUE;
  }

  /** The validator's description of the valid values ({@code ""} when anything goes). */
  public String validValues() {
    return validator == null ? "" : validator.toString();
  }

  Type type() {
    return type;
  }

  @Nullable Object defaultValue() {
    return defaultValue == ConfigDef.NO_DEFAULT_VALUE ? null : defaultValue;
  }

  @Nullable Validator validator() {
    return validator;
  }

  T fromParsed(@Nullable Object parsed) {
    return fromParsed.apply(parsed);
  }

  /**
   * The text form of a typed value, as a config file would hold it: a {@link Duration} as
   * milliseconds, an {@link Optional} as its content or {@code ""}, a list comma-separated.
   */
  static String text(@Nullable Object value) {
    if (value instanceof Optional<?> optional) {
      return optional.map(ConfigKey::text).orElse("");
    }
    if (value instanceof Duration duration) {
      return Long.toString(duration.toMillis());
    }
    if (value instanceof List<?> list) {
      return String.join(",", list.stream().map(String::valueOf).toList());
    }
    return value == null ? "" : value.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
