package io.posrelay.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Gathers a service's configuration from where an operator puts it and applies the precedence
 * flag &gt; environment &gt; file &gt; default (several {@code --config} files: a later one wins).
 *
 * <ul>
 *   <li><b>Files</b> ({@code --config FILE}): Java properties, UTF-8, keys as in
 *       docs/configuration.md. A key the service does not have fails start-up, naming it and the
 *       file, so a typo is never silently ignored; {@code kafka.*} pass-through keys are the one
 *       exception.
 *   <li><b>Environment</b>: {@code POSRELAY_} + the key upper-cased with {@code .} and {@code -}
 *       as {@code _} ({@link ConfigKey#env()}); an empty variable counts as unset. Kafka
 *       pass-through properties too: {@code POSRELAY_KAFKA_SASL_JAAS_CONFIG} is {@code
 *       kafka.sasl.jaas.config}, {@code POSRELAY_KAFKA_PRODUCER_LINGER_MS} is {@code
 *       kafka.producer.linger.ms} (Kafka's property names are lower-case words joined by dots).
 *       Other variables are ignored: the environment is shared with everything else.
 *   <li><b>Flags</b>: as parsed by the launcher, by key name.
 * </ul>
 *
 * Stateless.
 */
public final class ConfigSources {
  private static final String KAFKA_ENV_PREFIX = "POSRELAY_KAFKA_";

  private ConfigSources() {}

  /**
   * Loads, merges and validates a service's configuration.
   *
   * @param flags key name → value, of the flags given on the command line
   * @param flagNames key name → the flag it was given as, for messages
   * @param env the process environment
   * @param files the {@code --config} files, in order
   * @throws InvalidConfigException naming the file that cannot be read, or the first bad key
   */
  public static ServiceConfig load(ConfigSpec spec, Map<String, String> flags,
      Map<String, String> flagNames, Map<String, String> env, List<Path> files) {
    return load(spec, flags, flagNames, env, files, false);
  }

  /**
   * {@link #load(ConfigSpec, Map, Map, Map, List)} for a tool that reads a part of the services'
   * config files ({@code relayctl topics} reads the topic names and the Kafka settings).
   *
   * @param otherKeysIgnored whether a file key that {@code spec} does not have is ignored rather
   *     than refused
   */
  public static ServiceConfig load(ConfigSpec spec, Map<String, String> flags,
      Map<String, String> flagNames, Map<String, String> env, List<Path> files,
      boolean otherKeysIgnored) {
    Map<String, Setting> given = new LinkedHashMap<>();
    for (Path file : files) {
      readFile(file).forEach((name, value) -> {
        if (!otherKeysIgnored || spec.key(name).isPresent()
            || name.startsWith(KafkaSettings.PREFIX)) {
          given.put(name, new Setting(value, "file " + file));
        }
      });
    }
    env.forEach((variable, value) -> {
      String name = keyOfVariable(spec, variable);
      if (name != null && !value.isEmpty()) {
        given.put(name, new Setting(value, "env " + variable));
      }
    });
    flags.forEach((name, value) ->
        given.put(name, new Setting(value, flagNames.getOrDefault(name, ConfigKey.flagOf(name)))));
    return ServiceConfig.parse(spec, given);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    if (Files.isDirectory(file)) {
      throw new InvalidConfigException("--config " + file
          + ": is a directory (expected: a Java properties file)");
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (CharacterCodingException e) {
      throw new InvalidConfigException("--config " + file
          + ": not UTF-8 text (expected: a Java properties file in UTF-8)");
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidConfigException("--config " + file + ": cannot read it ("
          + e.getClass().getSimpleName() + ") (expected: a readable Java properties file)");
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().stream().sorted()
        .forEach(name -> values.put(name.strip(), properties.getProperty(name)));
    return values;
  }

  private static @Nullable String keyOfVariable(ConfigSpec spec, String variable) {
    if (!variable.startsWith("POSRELAY_")) {
      return null;
    }
    for (ConfigKey<?> key : spec.keys()) {
      if (key.env().equals(variable)) {
        return key.name();
      }
    }
    if (variable.startsWith(KAFKA_ENV_PREFIX) && variable.length() > KAFKA_ENV_PREFIX.length()) {
      return KafkaSettings.PREFIX + variable.substring(KAFKA_ENV_PREFIX.length())
          .toLowerCase(Locale.ROOT).replace('_', '.');
    }
    return null;
  }
}
