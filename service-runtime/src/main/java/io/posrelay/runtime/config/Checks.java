package io.posrelay.runtime.config;

import com.google.common.net.HostAndPort;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;
import org.jspecify.annotations.Nullable;

/**
 * The validators of {@link ConfigKey}s. Each throws {@link ConfigException} whose message says what
 * was expected, and its {@link Object#toString()} describes the valid values for {@code --help} and
 * the docs. Stateless.
 */
public final class Checks {
  private Checks() {}

  /** A number {@code >= min}. */
  public static Validator atLeast(long min) {
    return check(">= " + min, v -> ((Number) v).longValue() >= min);
  }

  /** A number in {@code min..max}, both included. */
  public static Validator between(long min, long max) {
    return check(min + ".." + max, v -> {
      long n = ((Number) v).longValue();
      return n >= min && n <= max;
    });
  }

  /** Text matching {@code regex} as a whole. */
  public static Validator matches(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return check(regex, v -> pattern.matcher((String) v).matches());
  }

  /** Text that is not blank. */
  public static Validator nonBlank() {
    return check("not blank", v -> !((String) v).isBlank());
  }

  /** One of {@code values}, any case. */
  public static Validator oneOf(String... values) {
    List<String> allowed = List.of(values);
    return check(String.join("|", allowed),
        v -> allowed.contains(((String) v).toLowerCase(Locale.ROOT)));
  }

  /** {@code host:port[,host:port…]}, IPv6 hosts in brackets ({@code [::1]:9092}): Guava's rule. */
  public static Validator hostAndPorts() {
    return check("HOST:PORT[,HOST:PORT...]", v -> {
      String text = (String) v;
      return !text.isBlank()
          && List.of(text.split(",", -1)).stream().allMatch(Checks::isHostAndPort);
    });
  }

  /**
   * A value that {@code parse} accepts: it throws {@link IllegalArgumentException} (its message
   * naming what is wrong) for one it refuses, which start-up reports as {@code expected:
   * <expected>; <message>} under the key's name. For values with more structure than a pattern,
   * e.g. a list of {@code MID=MS} pairs.
   */
  public static Validator parsedBy(String expected, Consumer<Object> parse) {
    return new Validator() {
      @Override
      public void ensureValid(String name, @Nullable Object value) {
        if (value == null) {
          return;
        }
        try {
          parse.accept(value);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, value, "expected: " + expected + "; " + e.getMessage());
        }
      }

      @Override
      public String toString() {
        return expected;
      }
    };
  }

  /** One {@code host:port}, or empty (the feature it addresses is off). */
  public static Validator hostAndPortOrEmpty() {
    return check("HOST:PORT, or empty", v -> ((String) v).isEmpty() || isHostAndPort((String) v));
  }

  /**
   * Parses {@code host:port} with Guava's {@link HostAndPort}.
   *
   * @return the address, which has a port in 1..65535 (0 = "any free port" binds, but connects
   *     nowhere)
   * @throws IllegalArgumentException if the text has no port, port 0, or is not an address
   */
  public static HostAndPort hostAndPort(String text) {
    HostAndPort address = HostAndPort.fromString(text.strip());
    if (!address.hasPort() || address.getPort() == 0 || address.getHost().isEmpty()) {
      throw new IllegalArgumentException(text + " (expected: HOST:PORT)");
    }
    return address;
  }

  private static boolean isHostAndPort(String text) {
    try {
      hostAndPort(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private interface Test {
    boolean holds(Object value);
  }

  private static Validator check(String expected, Test test) {
    return new Validator() {
      @Override
      public void ensureValid(String name, @Nullable Object value) {
        if (value != null && !test.holds(value)) {
          throw new ConfigException(name, value, "expected: " + expected);
        }
      }

      @Override
      public String toString() {
        return expected;
      }
    };
  }
}
