package io.posrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The open-files limit (RLIMIT_NOFILE) of this process, which its child processes inherit. Every
 * terminal connection is a file descriptor in this JVM and one in its relay node. The JVM raises
 * its soft limit to the hard limit at start; only the hard limit can stop a large run, and root
 * can raise it ({@code ulimit -Hn}, up to {@code fs.nr_open}), which {@code bin/relayctl bench}
 * does.
 */
final class OpenFileLimit {
  /** Descriptors besides the terminals': Kafka clients, HTTP, jars, logs. */
  static final int HEADROOM = 1_024;

  private OpenFileLimit() {}

  /** The soft limit of this process; {@link Long#MAX_VALUE} if unlimited or unknown. */
  static long soft() {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of("/proc/self/limits"));
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE; // not Linux: let the run find out
    }
    for (String line : lines) {
      if (line.startsWith("Max open files")) {
        String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
        try {
          return Long.parseLong(fields[0]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
          return Long.MAX_VALUE; // "unlimited"
        }
      }
    }
    return Long.MAX_VALUE;
  }

  /**
   * Checks that {@code connections} connections fit.
   *
   * @throws IllegalStateException naming the limit, the need and the command that raises it
   */
  static void check(long connections) {
    long needed = connections + HEADROOM;
    long soft = soft();
    if (soft < needed) {
      throw new IllegalStateException("open files limit is " + soft + ", " + needed + " needed for "
          + connections + " terminal connections; raise it in the shell that starts the bench,"
          + " e.g. 'ulimit -n 1048576' (as root; otherwise raise the hard limit 'nofile' in"
          + " /etc/security/limits.conf first), and run again");
    }
  }
}
