package io.posrelay.runtime.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The Kafka pass-through properties of one service ({@code kafka.<property>} and {@code
 * kafka.<kind>.<property>}), checked against the service's {@link KafkaClientRole}s, and the
 * properties each client is created with. Immutable and thread-safe.
 *
 * <p>Sensitive values ({@code sasl.jaas.config}, every {@code PASSWORD}-typed client property, and
 * anything named like a password, secret, token or credential) are never shown: {@link
 * #describe()} prints {@code [hidden]}.
 */
public final class KafkaSettings {
  /** The prefix of every pass-through key. */
  public static final String PREFIX = "kafka.";

  private static final Pattern SENSITIVE =
      Pattern.compile("(?i).*(password|secret|jaas|token|credential|\\.key$).*");

  private final Map<String, Setting> passThrough;
  private final List<String> unknown;
  private final Set<String> roleProperties;

  private KafkaSettings(Map<String, Setting> passThrough, List<String> unknown,
      Set<String> roleProperties) {
    this.passThrough = passThrough;
    this.unknown = List.copyOf(unknown);
    this.roleProperties = Set.copyOf(roleProperties);
  }

  /**
   * Checks the pass-through settings against the roles.
   *
   * @param passThrough full key ({@code kafka.security.protocol}) → value and source
   * @throws InvalidConfigException naming the pass-through key: a value a role requires otherwise,
   *     a property a POS Relay key sets, or a value of the wrong type for the client
   */
  static KafkaSettings check(Map<String, Setting> passThrough, List<KafkaClientRole> roles) {
    List<String> unknown = new ArrayList<>();
    Set<String> roleProperties = new HashSet<>();
    roles.forEach(role -> roleProperties.addAll(role.properties()));
    for (Map.Entry<String, Setting> entry : new TreeMap<>(passThrough).entrySet()) {
      String key = entry.getKey();
      Setting setting = entry.getValue();
      KafkaClientRole.Kind scope = scopeOf(key);
      String property = propertyOf(key, scope);
      boolean known = false;
      for (KafkaClientRole.Kind kind : KafkaClientRole.Kind.values()) {
        if ((scope == null || scope == kind) && kind.def() != null && kind.knows(property)) {
          known = true;
          checkType(key, property, setting, kind.def());
        }
      }
      for (KafkaClientRole role : roles) {
        if (applies(scope, property, role)) {
          String refusal = role.refusal(property, setting.value());
          if (refusal != null) {
            throw new InvalidConfigException(key + ": " + shown(key, setting.value(),
                roleProperties) + " (" + refusal + "), from " + setting.source());
          }
        }
      }
      if (!known && scope != KafkaClientRole.Kind.STREAMS) {
        unknown.add(key);
      }
    }
    return new KafkaSettings(Map.copyOf(passThrough), unknown, roleProperties);
  }

  private static void checkType(String key, String property, Setting setting, ConfigDef def) {
    ConfigDef.ConfigKey definition = def.configKeys().get(property);
    try {
      Object parsed = ConfigDef.parseType(property, setting.value(), definition.type);
      if (definition.validator != null) {
        definition.validator.ensureValid(property, parsed);
      }
    } catch (ConfigException e) {
      throw new InvalidConfigException(key + ": " + shown(key, setting.value(), Set.of()) + " ("
          + e.getMessage() + "), from " + setting.source());
    }
  }

  /** The kind a key is for, or null for every kind: {@code kafka.producer.linger.ms}. */
  private static KafkaClientRole.@Nullable Kind scopeOf(String key) {
    for (KafkaClientRole.Kind kind : KafkaClientRole.Kind.values()) {
      if (key.startsWith(PREFIX + kind.prefix() + ".")) {
        return kind;
      }
    }
    return null;
  }

  private static String propertyOf(String key, KafkaClientRole.@Nullable Kind scope) {
    return key.substring(PREFIX.length() + (scope == null ? 0 : scope.prefix().length() + 1));
  }

  private static boolean applies(KafkaClientRole.@Nullable Kind scope, String property,
      KafkaClientRole role) {
    if (scope != null) {
      return scope == role.kind();
    }
    // A property no kind knows (a custom class's setting) goes to every client.
    return role.kind().knows(property) || !knownToAny(property);
  }

  private static boolean knownToAny(String property) {
    for (KafkaClientRole.Kind kind : KafkaClientRole.Kind.values()) {
      if (kind.def() != null && kind.knows(property)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The properties {@code role}'s client is created with: its defaults, then the pass-through
   * properties that apply to it, then its required settings, then {@code derived}.
   *
   * @param derived the values of the role's derived properties ({@code bootstrap.servers},
   *     {@code client.id}, ...), computed from POS Relay keys
   * @return a new mutable map, for the client's constructor
   */
  public Map<String, Object> properties(KafkaClientRole role, Map<String, ?> derived) {
    Map<String, Object> props = new LinkedHashMap<>(role.defaults());
    for (Map.Entry<String, Setting> entry : new TreeMap<>(passThrough).entrySet()) {
      KafkaClientRole.Kind scope = scopeOf(entry.getKey());
      if (scope == null) {
        String property = propertyOf(entry.getKey(), null);
        if (applies(null, property, role)) {
          props.put(property, entry.getValue().value());
        }
      }
    }
    for (Map.Entry<String, Setting> entry : passThrough.entrySet()) {
      if (scopeOf(entry.getKey()) == role.kind()) {
        props.put(propertyOf(entry.getKey(), role.kind()), entry.getValue().value());
      }
    }
    props.putAll(role.requiredValues());
    role.unsetProperties().forEach(props::remove);
    props.putAll(derived);
    return props;
  }

  /** {@link #properties} as {@link Properties}, for Kafka Streams. */
  public Properties asProperties(KafkaClientRole role, Map<String, ?> derived) {
    Properties p = new Properties();
    p.putAll(properties(role, derived));
    return p;
  }

  /** Pass-through keys that no Kafka client knows (passed on anyway): worth a warning. */
  public List<String> unknownKeys() {
    return unknown;
  }

  /** Every pass-through key and its value ({@code [hidden]} if sensitive), sorted. */
  Map<String, Setting> describe() {
    Map<String, Setting> shown = new TreeMap<>();
    passThrough.forEach((key, setting) ->
        shown.put(key, new Setting(shown(key, setting.value(), roleProperties),
            setting.source())));
    return shown;
  }

  /**
   * Whether the value of pass-through {@code key} must never be shown: a password-typed client
   * property, a name that looks like a credential, or a property neither a client nor one of the
   * service's roles knows, outside {@code kafka.streams.*} (a misspelled {@code sasl.jaas.config}
   * must not print the password it holds).
   *
   * @param roleProperties the properties the service's roles set or watch
   */
  static boolean isSensitive(String key, Set<String> roleProperties) {
    KafkaClientRole.Kind scope = scopeOf(key);
    String property = propertyOf(key, scope);
    if (SENSITIVE.matcher(property.toLowerCase(Locale.ROOT)).matches()) {
      return true;
    }
    if (!knownToAny(property) && scope != KafkaClientRole.Kind.STREAMS
        && !roleProperties.contains(property)) {
      return true; // kafka.streams.* keys are Streams' own names, which only Streams knows
    }
    for (KafkaClientRole.Kind kind : KafkaClientRole.Kind.values()) {
      ConfigDef def = kind.def();
      if (def != null && def.configKeys().containsKey(property)
          && def.configKeys().get(property).type == ConfigDef.Type.PASSWORD) {
        return true;
      }
    }
    return false;
  }

  private static String shown(String key, String value, Set<String> roleProperties) {
    return isSensitive(key, roleProperties) ? Setting.HIDDEN : value;
  }
}
