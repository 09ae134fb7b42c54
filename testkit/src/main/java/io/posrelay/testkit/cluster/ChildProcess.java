package io.posrelay.testkit.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised child JVM that runs one command of a {@link ChildLauncher} ({@code java -cp
 * <this classpath> <main class> <args>}), with stdout and stderr in a log file. The child follows
 * this process ({@link ChildGuard}): it ignores Ctrl-C and exits if this process dies. {@link
 * #kill()} is a real {@code kill -9} (no shutdown hook, drain or flush runs), for fault drills.
 *
 * <p>An unexpected exit is logged (not fatal: an operator may stop a node on purpose). Thread-safe:
 * the process handle is the JDK's, and the one mutable field is volatile.
 */
public final class ChildProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  private static final String DEFAULT_CHILD_JAVA_OPTS =
      "-Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private final String name;
  private final Process process;
  private final Path logFile;
  private volatile boolean stopping;

  private ChildProcess(String name, String byHand, List<String> args, Process process,
      Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    process
        .onExit()
        .thenAccept(
            p -> {
              if (!stopping) {
                log.warn(
                    "{} (pid {}) exited unexpectedly with code {}; log: {}; to run it again"
                        + " (outside this supervisor, stop it yourself): {} {}",
                    name, p.pid(), p.exitValue(), logFile, byHand, String.join(" ", args));
              }
            });
  }

  /**
   * Starts {@code <main class> args} in a new JVM with the given JVM options.
   *
   * @param name short name for messages and the log file, e.g. {@code relay-1}
   * @param launcher the main class, and how to run it by hand
   * @param javaOptions JVM options, e.g. {@code -Xmx1g}; empty = {@link #childJavaOptions()}
   * @param args the command and its flags, e.g. {@code relay-server --port 7001}
   * @param logFile stdout and stderr of the child (truncated)
   * @return the running child
   * @throws IOException if the log file cannot be created or the JVM cannot be started
   */
  public static ChildProcess start(String name, ChildLauncher launcher, List<String> javaOptions,
      List<String> args, Path logFile) throws IOException {
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions.isEmpty() ? childJavaOptions() : javaOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(launcher.mainClass());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(ChildGuard.PARENT_PID_ENV, Long.toString(ProcessHandle.current().pid()));
    builder.redirectErrorStream(true);
    builder.redirectOutput(logFile.toFile());
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Process process = builder.start();
    log.info("started {} (pid {}): {}", name, process.pid(), String.join(" ", args));
    return new ChildProcess(name, launcher.byHand(), List.copyOf(args), process, logFile);
  }

  /** JVM options of children: {@code POSRELAY_CHILD_JAVA_OPTS}, or small-heap defaults. */
  static List<String> childJavaOptions() {
    String options = System.getenv("POSRELAY_CHILD_JAVA_OPTS");
    if (options == null || options.isBlank()) {
      options = DEFAULT_CHILD_JAVA_OPTS;
    }
    return List.of(options.trim().split("\\s+"));
  }

  /** The child's operating-system process id. */
  public long pid() {
    return process.pid();
  }

  /** Short name, e.g. {@code relay-1}. */
  public String name() {
    return name;
  }

  /** The child's log file. */
  public Path logFile() {
    return logFile;
  }

  /** Whether the child is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the child accepts TCP connections on {@code 127.0.0.1:port}.
   *
   * @param port the child's listener port
   * @param timeout bound, > 0
   * @throws IllegalStateException if the child exits or the port does not open within timeout;
   *     the message names the child, the port and its log file
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitPort(int port, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!LocalPorts.accepts(LocalPorts.LOOPBACK, port, 200)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with code " + process.exitValue() + " before port " + port
                + " opened; log " + logFile + ":\n" + tail(40));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            name + " did not open port " + port + " within " + timeout.toSeconds() + " s; log "
                + logFile + ":\n" + tail(40));
      }
      try {
        process.onExit().get(200, TimeUnit.MILLISECONDS); // the pause between probes
      } catch (ExecutionException | TimeoutException e) {
        // still running: probe again
      }
    }
  }

  /**
   * Waits for the child to exit by itself (a service that failed while running, say).
   *
   * @param timeout bound, >= 0
   * @return its exit code, or empty if it still runs after {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
        ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
  }

  /**
   * Waits until {@code url} answers 200, e.g. the child's {@code /health/ready}: the port is
   * open and the service does its job.
   *
   * @param url a plain-HTTP URL on the child's management port
   * @param timeout bound, > 0
   * @throws IllegalStateException if the child exits or the URL does not answer 200 within
   *     timeout; the message names the child, the URL, its last answer and its log file
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitHttpOk(String url, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .build();
    String last = "no answer";
    while (true) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          return;
        }
        last = response.statusCode() + " " + response.body();
      } catch (IOException e) {
        last = e.toString();
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " before " + url + " answered 200; log " + logFile + ":\n" + tail(40));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": " + url + " did not answer 200 within "
            + timeout.toSeconds() + " s (last: " + last + "); log " + logFile + ":\n"
            + tail(40));
      }
      try {
        process.onExit().get(200, TimeUnit.MILLISECONDS); // the pause between probes
      } catch (ExecutionException | TimeoutException e) {
        // still running: probe again
      }
    }
  }

  /**
   * The last lines of the child's log.
   *
   * @param lines at most this many lines, > 0
   */
  public String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  /**
   * Stops the child: SIGTERM, wait up to {@code grace}, then SIGKILL (and wait up to 5 s more).
   * Idempotent.
   *
   * @param grace how long the child may take to shut down gracefully
   */
  public void stop(Duration grace) {
    stopping = true;
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} (pid {}) did not stop within {} s; killing it", name, process.pid(),
            grace.toSeconds());
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    log.info("stopped {} (exit code {})", name, process.isAlive() ? "?" : process.exitValue());
  }

  /**
   * Kills the child at once (SIGKILL: no shutdown hook, no drain), as a crash or {@code kill -9}
   * would, and waits up to 10 s for it to be gone. Not reported as an unexpected exit. Idempotent.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void kill() throws InterruptedException {
    stopping = true;
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    log.info("killed {} (pid {})", name, process.pid());
  }

  /** {@link #stop} with a 20 s grace period. */
  @Override
  public void close() {
    stop(Duration.ofSeconds(20));
  }
}
