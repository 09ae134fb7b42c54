package io.posrelay.runtime.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration table of one service: its {@link ConfigKey}s in documentation order, the
 * checks that span several keys, and the Kafka clients it creates (whose pass-through properties
 * are checked against the settings its correctness depends on). From it come the service's flags,
 * environment variables, config-file keys, {@code --help}, {@code --print-config} and its table in
 * docs/configuration.md. Immutable and thread-safe.
 */
public final class ConfigSpec {
  /** A check that spans several keys; throws {@link InvalidConfigException} naming a key. */
  @FunctionalInterface
  public interface Constraint {
    /**
     * @param config every key parsed and valid on its own
     * @throws InvalidConfigException naming the key to fix and what was expected
     */
    void check(ServiceConfig config);
  }

  private final String service;
  private final String description;
  private final Map<String, ConfigKey<?>> keys;
  private final List<Constraint> constraints;
  private final List<KafkaClientRole> kafkaRoles;

  private ConfigSpec(Builder b) {
    service = b.service;
    description = b.description;
    keys = Collections.unmodifiableMap(new LinkedHashMap<>(b.keys));
    constraints = List.copyOf(b.constraints);
    kafkaRoles = List.copyOf(b.kafkaRoles);
  }

  /**
   * Starts the table of {@code service}.
   *
   * @param service the service's name, as its command: {@code relay-server}
   * @param description one paragraph for {@code --help} and the docs
   */
  public static Builder builder(String service, String description) {
    return new Builder(service, description);
  }

  /** The service's name, as its command. */
  public String service() {
    return service;
  }

  /** What the service does, one paragraph. */
  public String description() {
    return description;
  }

  /** Every key, in documentation order. */
  public List<ConfigKey<?>> keys() {
    return List.copyOf(keys.values());
  }

  /** The key called {@code name}, if the service has one. */
  public Optional<ConfigKey<?>> key(String name) {
    return Optional.ofNullable(keys.get(name));
  }

  /** The Kafka clients the service creates. */
  public List<KafkaClientRole> kafkaRoles() {
    return kafkaRoles;
  }

  List<Constraint> constraints() {
    return constraints;
  }

  /** Builds a {@link ConfigSpec}; not thread-safe. */
  public static final class Builder {
    private final String service;
    private final String description;
    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private final List<Constraint> constraints = new ArrayList<>();
    private final List<KafkaClientRole> kafkaRoles = new ArrayList<>();

    private Builder(String service, String description) {
      this.service = service;
      this.description = description;
    }

    /**
     * Adds keys.
     *
     * @throws IllegalArgumentException if a key of that name is already there
     */
    public Builder keys(List<? extends ConfigKey<?>> added) {
      for (ConfigKey<?> key : added) {
        if (keys.putIfAbsent(key.name(), key) != null) {
          throw new IllegalArgumentException("config key defined twice: " + key.name());
        }
      }
      return this;
    }

    /** Adds keys; see {@link #keys(List)}. */
    public Builder keys(ConfigKey<?>... added) {
      return keys(List.of(added));
    }

    /** Adds a check that spans several keys; checks run in the order added. */
    public Builder constraint(Constraint constraint) {
      constraints.add(constraint);
      return this;
    }

    /** Declares a Kafka client the service creates; see {@link KafkaClientRole}. */
    public Builder kafka(KafkaClientRole... roles) {
      kafkaRoles.addAll(List.of(roles));
      return this;
    }

    /** The table. */
    public ConfigSpec build() {
      return new ConfigSpec(this);
    }
  }
}
