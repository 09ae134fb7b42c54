package io.posrelay.runtime.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka client a service creates, and the settings it is created with, in this order (later
 * wins):
 *
 * <ol>
 *   <li>{@linkplain #byDefault defaults}: tuning the service chose, which an operator may change;
 *   <li>pass-through properties: {@code kafka.<property>} for every client of the service (only
 *       the properties this kind of client knows, plus any no client knows), then {@code
 *       kafka.<kind>.<property>} for this kind ({@code producer}, {@code consumer}, {@code admin},
 *       {@code streams}) — the convention of Kafka Connect and of Spring's {@code
 *       spring.kafka.properties.*};
 *   <li>{@linkplain #require required} settings, which the relay's correctness depends on
 *       ({@code acks=all}, idempotence, exactly-once, no shared consumer group): a pass-through
 *       value that differs fails start-up, naming the key and why;
 *   <li>{@linkplain #derivedFrom derived} settings, which come from a POS Relay key (the bootstrap
 *       servers, a timeout): setting them by pass-through fails start-up, naming the key to use.
 * </ol>
 *
 * Immutable once built; thread-safe.
 */
public final class KafkaClientRole {
  /** The kinds of Kafka client, each with its pass-through prefix. */
  public enum Kind {
    PRODUCER("producer", ProducerConfig.configDef()),
    CONSUMER("consumer", ConsumerConfig.configDef()),
    ADMIN("admin", AdminClientConfig.configDef()),
    /** Kafka Streams: takes every client's properties, and {@code kafka.streams.*}. */
    STREAMS("streams", null);

    private final String prefix;
    private final @Nullable ConfigDef def;

    Kind(String prefix, @Nullable ConfigDef def) {
      this.prefix = prefix;
      this.def = def;
    }

    /** The segment after {@code kafka.}: {@code producer}. */
    public String prefix() {
      return prefix;
    }

    /** The client's own definition of its properties; null for Streams (not on every path). */
    @Nullable ConfigDef def() {
      return def;
    }

    /** Whether {@code property} is one this kind of client knows. */
    boolean knows(String property) {
      return def == null || def.names().contains(property);
    }
  }

  /** The value of {@link #require} that says the property must not be set at all. */
  public static final String UNSET = "(unset)";

  private final String name;
  private final Kind kind;
  private final Map<String, Object> defaults = new LinkedHashMap<>();
  private final Map<String, List<String>> required = new LinkedHashMap<>();
  private final Map<String, String> requiredWhy = new LinkedHashMap<>();
  private final Map<String, String> derived = new LinkedHashMap<>();

  private KafkaClientRole(String name, Kind kind) {
    this.name = name;
    this.kind = kind;
  }

  /**
   * A client of {@code kind}.
   *
   * @param name what it is for, in messages: {@code claims producer}
   */
  public static KafkaClientRole of(Kind kind, String name) {
    return new KafkaClientRole(name, kind);
  }

  /** A tuning default an operator may override through pass-through. */
  public KafkaClientRole byDefault(String property, Object value) {
    defaults.put(property, value);
    return this;
  }

  /**
   * A setting correctness depends on.
   *
   * @param value the value set; {@link #UNSET} = the property must not be set
   * @param why what breaks otherwise, for the start-up error
   * @param alsoAccepted other spellings of the same value ({@code -1} for {@code acks=all})
   */
  public KafkaClientRole require(String property, Object value, String why,
      String... alsoAccepted) {
    List<String> accepted = new java.util.ArrayList<>();
    accepted.add(String.valueOf(value));
    accepted.addAll(Arrays.asList(alsoAccepted));
    required.put(property, accepted.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList());
    requiredWhy.put(property, why);
    return this;
  }

  /** A setting that comes from the POS Relay key {@code configKey}; pass-through may not set it. */
  public KafkaClientRole derivedFrom(String property, String configKey) {
    derived.put(property, configKey);
    return this;
  }

  /** What the client is for. */
  public String name() {
    return name;
  }

  /** Its kind. */
  public Kind kind() {
    return kind;
  }

  /** Every property this role sets or watches: its defaults, required and derived settings. */
  Set<String> properties() {
    Set<String> all = new java.util.HashSet<>(defaults.keySet());
    all.addAll(required.keySet());
    all.addAll(derived.keySet());
    return all;
  }

  Map<String, Object> defaults() {
    return defaults;
  }

  /** The required settings as set: property → value ({@link #UNSET} ones left out). */
  Map<String, Object> requiredValues() {
    return required.entrySet().stream()
        .filter(e -> !e.getValue().get(0).equals(UNSET.toLowerCase(Locale.ROOT)))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0), (a, b) -> a,
            LinkedHashMap::new));
  }

  Set<String> unsetProperties() {
    return required.entrySet().stream()
        .filter(e -> e.getValue().get(0).equals(UNSET.toLowerCase(Locale.ROOT)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /**
   * Why a pass-through value of {@code property} cannot be used, or null if it can.
   *
   * @param value the pass-through value
   */
  @Nullable String refusal(String property, String value) {
    String configKey = derived.get(property);
    if (configKey != null) {
      return "expected: unset; set it with " + configKey;
    }
    List<String> accepted = required.get(property);
    if (accepted == null) {
      return null;
    }
    if (accepted.get(0).equals(UNSET.toLowerCase(Locale.ROOT))) {
      return "expected: unset, for the " + name + ": " + requiredWhy.get(property);
    }
    if (accepted.contains(value.strip().toLowerCase(Locale.ROOT))) {
      return null;
    }
    return "expected: " + String.join(" or ", accepted) + ", for the " + name + ": "
        + requiredWhy.get(property);
  }

  @Override
  public String toString() {
    return name + " (" + kind.prefix() + ")";
  }
}
