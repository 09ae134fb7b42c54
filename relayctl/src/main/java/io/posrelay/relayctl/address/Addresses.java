package io.posrelay.relayctl.address;

import com.google.common.net.HostAndPort;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code HOST:PORT} arguments of relayctl ({@code --admin}, {@code --pos}, {@code --kafka}), read
 * with Guava's {@link HostAndPort} ({@code [::1]:9090} for an IPv6 address) and checked further: a
 * host and a port in 1..65535 are required. Every error names the value and the expected form,
 * e.g. {@code "'localhost' (expected: HOST:PORT)"}; the command prefixes the option. Stateless.
 */
public final class Addresses {
  private Addresses() {}

  /**
   * Parses {@code HOST:PORT}; whitespace around it is ignored.
   *
   * @param text e.g. {@code 127.0.0.1:9092}
   * @return the host and port, with a port
   * @throws IllegalArgumentException if {@code text} is not {@code HOST:PORT} with a host and a
   *     port in 1..65535
   */
  public static HostAndPort parse(String text) {
    HostAndPort address;
    try {
      address = HostAndPort.fromString(text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT, PORT in 1..65535)");
    }
    if (!address.hasPort() || address.getHost().isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT)");
    }
    if (address.getPort() < 1) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT, PORT in 1..65535)");
    }
    return address;
  }

  /**
   * Parses a comma-separated list {@code HOST:PORT[,HOST:PORT...]}.
   *
   * @param text at least one address
   * @return the addresses in order, never empty
   * @throws IllegalArgumentException if an element (an empty one too) is not {@code HOST:PORT}
   */
  public static List<HostAndPort> parseList(String text) {
    List<HostAndPort> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      list.add(parse(part));
    }
    return List.copyOf(list);
  }

  /** picocli converter for one {@code HOST:PORT}; a bad value is a usage error (exit code 2). */
  public static final class Converter implements ITypeConverter<HostAndPort> {
    /** Creates the converter; picocli instantiates it. */
    public Converter() {}

    @Override
    public HostAndPort convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
