package io.posrelay.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Local source addresses for many terminal connections from this one machine. A TCP client
 * socket bound to one address can use each of its ephemeral ports ({@code
 * net.ipv4.ip_local_port_range}, 32768–60999 by default: ~28,000) once, so 100,000 connections
 * need several source addresses. Loopback answers to all of 127.0.0.0/8; the simulator binds
 * 127.0.0.2, 127.0.0.3, … and leaves 127.0.0.1's ports to the rest (Kafka clients, HTTP).
 */
final class SourceAddresses {
  /** Terminals per source address: leaves a margin below the ~28,000 ephemeral ports. */
  static final int PER_ADDRESS = 20_000;
  /** Most source addresses: 127.0.0.2 … 127.0.0.201. */
  static final int MAX = 200;

  private SourceAddresses() {}

  /**
   * The source addresses for {@code terminals} connections.
   *
   * @param terminals connections to open, >= 0
   * @param requested addresses wanted, 0 = as needed: none (the system chooses) up to {@link
   *     #PER_ADDRESS} terminals, else one per {@link #PER_ADDRESS}
   * @return 127.0.0.2 onwards; empty = do not bind
   */
  static List<InetAddress> forTerminals(int terminals, int requested) {
    int count = requested > 0 ? requested
        : terminals <= PER_ADDRESS ? 0 : (terminals + PER_ADDRESS - 1) / PER_ADDRESS;
    List<InetAddress> addresses = new ArrayList<>(count);
    for (int i = 0; i < Math.min(count, MAX); i++) {
      int host = 2 + i;
      try {
        addresses.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("4 bytes are always an IPv4 address", e);
      }
    }
    return List.copyOf(addresses);
  }

  /** For messages: {@code 127.0.0.2-127.0.0.6}, or {@code system-chosen}. */
  static String describe(List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      return "system-chosen";
    }
    return addresses.get(0).getHostAddress()
        + (addresses.size() == 1 ? "" : "-" + addresses.get(addresses.size() - 1).getHostAddress());
  }
}
