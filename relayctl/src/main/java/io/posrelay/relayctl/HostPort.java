package io.posrelay.relayctl;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A {@code HOST:PORT} pair as given on the command line, e.g. {@code 127.0.0.1:7001}.
 *
 * @param host host name or IPv4 address, not empty
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

  /**
   * @throws IllegalArgumentException if host is blank or port is outside 1..65535
   */
  public HostPort {
    if (host.isBlank()) {
      throw new IllegalArgumentException("host: '" + host + "' (expected: not empty)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
  }

  /**
   * Parses {@code HOST:PORT}.
   *
   * @param text e.g. {@code 127.0.0.1:9092}
   * @return the pair
   * @throws IllegalArgumentException if text is not {@code HOST:PORT} with a port in 1..65535
   */
  public static HostPort parse(String text) {
    String trimmed = text.trim();
    int colon = trimmed.lastIndexOf(':');
    if (colon <= 0 || colon == trimmed.length() - 1) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT)");
    }
    int port;
    try {
      port = Integer.parseInt(trimmed.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT, PORT a number)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "' (expected: HOST:PORT, PORT in 1..65535)");
    }
    return new HostPort(trimmed.substring(0, colon), port);
  }

  /**
   * Parses a comma-separated list {@code HOST:PORT[,HOST:PORT...]}.
   *
   * @param text at least one pair
   * @return the pairs in order, never empty
   * @throws IllegalArgumentException if any element is not a valid {@code HOST:PORT}
   */
  public static List<HostPort> parseList(String text) {
    List<HostPort> list = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      list.add(parse(part));
    }
    return List.copyOf(list);
  }

  /** An unresolved socket address for this pair, for Netty's {@code connect}. */
  public InetSocketAddress toSocketAddress() {
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** {@code HOST:PORT}. */
  @Override
  public String toString() {
    return host + ":" + port;
  }

  /** picocli converter for one {@code HOST:PORT}; a bad value is a usage error (exit code 2). */
  public static final class Converter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
