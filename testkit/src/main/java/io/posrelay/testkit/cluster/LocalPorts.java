package io.posrelay.testkit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Probes of TCP ports on 127.0.0.1, for starting local processes: is a port free, does a
 * listener accept connections, pick a free port. Stateless.
 */
public final class LocalPorts {
  /** The only host the local cluster binds to and connects to. */
  public static final String LOOPBACK = "127.0.0.1";

  private LocalPorts() {}

  /**
   * Whether nothing listens on {@code 127.0.0.1:port} (and nothing holds the wildcard address).
   *
   * @param port 1..65535
   */
  public static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true); // as servers do: TIME_WAIT connections do not block a bind
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
    } catch (IOException e) {
      return false;
    }
    return !accepts(LOOPBACK, port, 200);
  }

  /**
   * Whether a TCP connection to {@code host:port} succeeds within {@code timeoutMillis}.
   *
   * @param timeoutMillis connect timeout, > 0
   */
  public static boolean accepts(String host, int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A port that was free a moment ago (another process may still take it before it is used).
   *
   * @throws UncheckedIOException if no ephemeral port can be bound
   */
  public static int pickFree() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick a free port on " + LOOPBACK, e);
    }
  }

  /** {@code port}, or a free port if it is 0. */
  public static int orFree(int port) {
    return port == 0 ? pickFree() : port;
  }

  /**
   * {@code port}, or a free port if it is 0 that is not in {@code taken}; either way it is added
   * to {@code taken}. Several ports picked one after another can otherwise be the same: the
   * kernel may hand out a just-released ephemeral port again (two relay nodes of one bench got
   * the same management port, and one failed to start).
   */
  public static int orFree(int port, java.util.Set<Integer> taken) {
    int picked = port;
    for (int attempt = 0; picked == 0 || (port == 0 && taken.contains(picked)); attempt++) {
      if (attempt == 100) {
        throw new UncheckedIOException(new IOException(
            "no free port on " + LOOPBACK + " outside " + taken + " in 100 attempts"));
      }
      picked = pickFree();
    }
    taken.add(picked);
    return picked;
  }

  /** {@link #orFree(int, java.util.Set)} of each port, in order. */
  public static java.util.List<Integer> orFree(java.util.List<Integer> ports,
      java.util.Set<Integer> taken) {
    return ports.stream().map(p -> orFree(p, taken)).toList();
  }
}
