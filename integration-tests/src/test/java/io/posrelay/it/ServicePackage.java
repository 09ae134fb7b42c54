package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.runtime.config.ConfigSpec;
import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One service's package, {@code dist/<service>-<version>.tar.gz}, unpacked with {@code tar} into
 * a directory of its own and run as an operator would: {@code bin/<service>} from the package's
 * directory, as a child process whose output goes to {@code <service>.log} beside it. Not
 * thread-safe: one test drives it.
 */
final class ServicePackage implements AutoCloseable {
  /**
   * JVM options of the children (the launcher's {@code POSRELAY_JAVA_OPTS}): small heaps and C1
   * only, so three services start quickly beside the test's broker on two cores.
   */
  static final String JAVA_OPTS = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private static final Pattern MANAGEMENT_URL = Pattern.compile("metrics http://\\S+:(\\d+)/metrics");

  final String service;
  final ConfigSpec spec;
  /** The unpacked package: {@code <dir>/<service>-<version>}. */
  final Path home;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private @Nullable Process process;
  private long startedNanos;

  private ServicePackage(String service, ConfigSpec spec, Path home, Path log) {
    this.service = service;
    this.spec = spec;
    this.home = home;
    this.log = log;
  }

  /**
   * Unpacks {@code tarball} into {@code dir} with the system's {@code tar}.
   *
   * @throws AssertionError if tar fails or the package has no directory {@code
   *     <service>-<version>}
   */
  static ServicePackage unpack(Path tarball, String service, String version, ConfigSpec spec,
      Path dir) throws IOException, InterruptedException {
    assertThat(tarball).as("the package of " + service + "; built by mvn package (or verify)")
        .isRegularFile();
    Files.createDirectories(dir);
    Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString())
        .redirectErrorStream(true).start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(60, TimeUnit.SECONDS)).as("tar -xzf " + tarball).isTrue();
    assertThat(tar.exitValue()).as("tar -xzf " + tarball + ": " + out).isZero();
    Path home = dir.resolve(service + "-" + version);
    assertThat(home).isDirectory();
    return new ServicePackage(service, spec, home, dir.resolve(service + ".log"));
  }

  /** The file names in the package's {@code lib/}, sorted. */
  List<String> lib() throws IOException {
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      return jars.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /**
   * Runs {@code bin/<service> args} to its end (e.g. {@code --version}) and returns its output.
   */
  String run(String... args) throws IOException, InterruptedException {
    Process child = builder(List.of(args)).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(service + " " + List.of(args)).isTrue();
    assertThat(child.exitValue()).as(service + " " + List.of(args) + ": " + out).isZero();
    return out;
  }

  /** Starts {@code bin/<service> --config config/<service>.properties extraArgs}. */
  void start(List<String> extraArgs) throws IOException {
    List<String> args = new ArrayList<>(List.of("--config", "config/" + service + ".properties"));
    args.addAll(extraArgs);
    startedNanos = System.nanoTime();
    process = builder(args).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
  }

  /**
   * Waits for the launcher's ready line (the service started: its listeners are bound and it is
   * connected to Kafka), then for {@code readyPath} on the management port to answer 200.
   *
   * @return the management port
   * @throws org.awaitility.core.ConditionTimeoutException if not ready within {@code bound}
   */
  int awaitReady(String readyPath, Duration bound) {
    Process running = running();
    Matcher[] readyLine = new Matcher[1];
    await(service + " ready line in " + log).atMost(bound).pollInterval(Duration.ofMillis(200))
        .failFast(() -> assertAlive(running))
        .until(() -> {
          readyLine[0] = MANAGEMENT_URL.matcher(readyLine());
          return readyLine[0].find();
        });
    int port = Integer.parseInt(readyLine[0].group(1));
    await(service + " GET " + readyPath).atMost(bound).pollInterval(Duration.ofMillis(200))
        .failFast(() -> assertAlive(running))
        .until(() -> get(port, readyPath).statusCode() == 200);
    return port;
  }

  /** Milliseconds from {@link #start} to now. */
  long millisSinceStart() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  /** {@code GET http://127.0.0.1:port/path}. */
  HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * SIGTERM, as an orchestrator stops a container, and waits for the exit.
   *
   * @return the exit code
   */
  int stop(Duration bound) throws InterruptedException {
    Process running = running();
    running.destroy();
    assertThat(running.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS))
        .as(service + " stopped within " + bound + "; its log:\n" + tail()).isTrue();
    return running.exitValue();
  }

  /** The last 40 lines of the service's output. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Kills the service if it still runs. */
  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }

  private void assertAlive(Process running) {
    if (!running.isAlive()) {
      throw new AssertionError(service + " exited with " + running.exitValue() + "; its log:\n"
          + tail());
    }
  }

  /** The launcher's ready line in the service's output, or {@code ""} before it. */
  String readyLine() throws IOException {
    if (!Files.exists(log)) {
      return "";
    }
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> l.contains(" ready: ")).findFirst().orElse("");
  }

  private Process running() {
    Process running = process;
    assertThat(running).as(service + " started").isNotNull();
    return running;
  }

  /**
   * The launcher with {@code args}, run from the package's directory, in an environment without
   * this machine's {@code POSRELAY_*} settings: the Java of this test and {@link #JAVA_OPTS}.
   */
  private ProcessBuilder builder(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(home.resolve("bin").resolve(service).toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("POSRELAY_"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("POSRELAY_JAVA_OPTS", JAVA_OPTS);
    return builder;
  }
}
