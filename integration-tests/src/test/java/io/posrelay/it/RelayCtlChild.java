package io.posrelay.it;

import static org.awaitility.Awaitility.await;

import io.posrelay.relayctl.RelayCtl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A relayctl subcommand ({@code relay-server}, {@code kafka} …) in a child JVM on this test's
 * classpath, for drills that need a real {@code kill -9}: {@link #kill()} is
 * {@code destroyForcibly()} (SIGKILL), so no shutdown hook, drain or flush runs. The child
 * follows this JVM (relayctl's {@code POSRELAY_PARENT_PID} guard): it exits if the tests die.
 */
final class RelayCtlChild implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path logFile;

  private RelayCtlChild(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code RelayCtl args} in a new JVM (small heap, serial GC), output to {@code logFile}.
   */
  static RelayCtlChild start(String name, List<String> args, Path logFile) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), RelayCtl.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.environment().put("POSRELAY_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    return new RelayCtlChild(name, builder.start(), logFile);
  }

  /** A free TCP port on 127.0.0.1 now (another process may take it before it is bound). */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the child accepts connections on {@code port}; fails with its log if it died. */
  void awaitPort(int port, Duration atMost) {
    await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n"
            + tail());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits (up to 10 s) for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** The end of the child's log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** SIGTERM, up to 20 s, then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
