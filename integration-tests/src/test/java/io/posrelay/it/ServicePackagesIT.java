package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.admin.AdminKeys;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.runtime.BuildInfo;
import io.posrelay.runtime.config.ConfigDocs;
import io.posrelay.runtime.config.ConfigSpec;
import io.posrelay.runtime.log.LogFormat;
import io.posrelay.runtime.management.ManagementServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three packages {@code mvn package} puts in {@code dist/}, as an operator gets them:
 * unpacked, checked for their layout and contents, and each service started from its package with
 * its example config file against a real Kafka cluster until it is ready, then stopped with
 * SIGTERM.
 *
 * <p>Runs in the {@code integration-test} phase (this module's surefire execution {@code
 * packages}), after the services' modules have built their tarballs; {@code mvn -B verify} runs
 * it. Alone: {@code mvn -B -pl integration-tests -am verify -Dtest=ServicePackagesIT
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SharedKafka.class)
class ServicePackagesIT {
  /** The management path whose 200 says that a service is ready: its readiness endpoint. */
  static final String READY_PROBE_PATH = ManagementServer.READY_PATH;

  /** How long one service may take to become ready: JVM start included, on a busy machine. */
  private static final Duration READY_BOUND = Duration.ofSeconds(120);
  /** Jars that belong to no service's runtime: the broker, Scala, test support, test tools. */
  private static final List<String> NEVER_IN_LIB = List.of("kafka_2.13", "kafka-server",
      "kafka-raft", "kafka-metadata", "kafka-storage", "kafka-group-coordinator",
      "kafka-test-common", "kafka-streams-test-utils", "scala-", "bcprov", "bcpkix", "bcutil",
      "netty-pkitesting", "posrelay-testkit", "posrelay-bench", "relayctl", "junit", "opentest4j",
      "assertj", "awaitility", "hamcrest", "jazzer", "grpc-testing", "grpc-inprocess",
      "mockito", "archunit");

  @TempDir static Path dir;
  private static final Map<String, ServicePackage> packages = new LinkedHashMap<>();

  @BeforeAll
  static void unpack() throws Exception {
    Path dist = repositoryRoot().resolve("dist");
    String version = version();
    for (ConfigSpec spec : List.of(IngestKeys.SPEC, RelayKeys.SPEC, AdminKeys.SPEC)) {
      String service = spec.service();
      packages.put(service, ServicePackage.unpack(
          dist.resolve(service + "-" + version + ".tar.gz"), service, version, spec,
          dir.resolve(service)));
    }
  }

  @AfterAll
  static void killLeftovers() {
    packages.values().forEach(ServicePackage::close);
  }

  @Test
  void eachPackage_holdsItsLauncherAndConfig_andOnlyItsOwnRuntimeDependencies() throws Exception {
    for (ServicePackage p : packages.values()) {
      assertThat(p.home.resolve("bin").resolve(p.service)).isExecutable();
      assertThat(Files.readString(p.home.resolve("config/" + p.service + ".properties"),
              StandardCharsets.UTF_8))
          .as("config/%s.properties is the key table's example config", p.service)
          .isEqualTo(ConfigDocs.properties(p.spec));
      assertThat(Files.readString(p.home.resolve("config/logback.xml"), StandardCharsets.UTF_8))
          .as("config/logback.xml writes the runtime's text format, MDC fields included")
          .contains("<pattern>" + LogFormat.TEXT_PATTERN + "</pattern>");

      List<String> lib = p.lib();
      System.out.printf(Locale.ROOT, "PACKAGE %s: %d jars in lib/: %s%n", p.service, lib.size(),
          lib);
      assertThat(lib).contains(p.service + "-" + version() + ".jar",
          "service-runtime-" + version() + ".jar", "posrelay-proto-" + version() + ".jar");
      assertThat(lib).as("logging for the launcher's config/logback.xml")
          .anyMatch(j -> j.startsWith("logback-classic-"));
      assertThat(lib).allSatisfy(jar -> assertThat(NEVER_IN_LIB)
          .as("%s in the lib/ of %s", jar, p.service)
          .noneMatch(jar::startsWith));
      for (String other : packages.keySet()) {
        if (!other.equals(p.service)) {
          assertThat(lib).as("another service's jar").noneMatch(j -> j.startsWith(other + "-"));
        }
      }
    }
    assertThat(packages.get("admin-api").lib()).anyMatch(j -> j.startsWith("kafka-streams-"));
    assertThat(packages.get("ilk-ingest").lib()).noneMatch(j -> j.startsWith("kafka-streams-")
        || j.startsWith("rocksdbjni-") || j.startsWith("grpc-netty-shaded-"));
    assertThat(packages.get("relay-server").lib()).noneMatch(j -> j.startsWith("kafka-streams-")
        || j.startsWith("rocksdbjni-"));
  }

  @Test
  void versionFlag_reportsTheBuild() throws Exception {
    BuildInfo build = BuildInfo.current();
    assertThat(build.revision()).isNotEqualTo(BuildInfo.UNKNOWN);
    for (ServicePackage p : packages.values()) {
      assertThat(p.run("--version").strip()).isEqualTo(p.service + " " + version()
          + " (revision " + build.revision() + ")");
    }
  }

  @Test
  void eachService_startedFromItsPackageWithItsExampleConfig_becomesReady_andStopsCleanly(
      KafkaCluster kafka) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    int adminPort = freePort();
    ServicePackage ingest = packages.get("ilk-ingest");
    ServicePackage relay = packages.get("relay-server");
    ServicePackage admin = packages.get("admin-api");
    // All three at once, as an orchestrator starts them: the relay names admin-api's port for
    // its recovery asks; every other port is 0 (a free one, named in the ready line).
    admin.start(List.of("--kafka", bootstrap, "--port", Integer.toString(adminPort),
        "--management-port", "0"));
    ingest.start(List.of("--kafka", bootstrap, "--port", "0", "--management-port", "0"));
    relay.start(List.of("--kafka", bootstrap, "--port", "0", "--management-port", "0",
        "--node-id", "package-relay", "--admin-address", "127.0.0.1:" + adminPort));

    BuildInfo build = BuildInfo.current();
    for (ServicePackage p : List.of(ingest, relay, admin)) {
      int managementPort = p.awaitReady(READY_PROBE_PATH, READY_BOUND);
      long readyMillis = p.millisSinceStart();
      assertThat(p.readyLine()).as("logged through the package's config/logback.xml")
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  "
              + "\\S*ServiceLauncher - " + p.service + " .*ready: .*");
      String metrics = p.get(managementPort, ManagementServer.METRICS_PATH).body();
      assertThat(metrics).contains("posrelay_build_info{revision=\"" + build.revision()
          + "\",version=\"" + version() + "\"} 1");
      System.out.printf(Locale.ROOT, "PACKAGE %s: ready %d ms after bin/%s started%n", p.service,
          readyMillis, p.service);
    }
    for (ServicePackage p : List.of(relay, ingest, admin)) {
      assertThat(p.stop(Duration.ofSeconds(60))).as(p.service + " exit code after SIGTERM; log:\n"
          + p.tail()).isZero();
    }
  }

  static String version() {
    String version = System.getProperty("posrelay.project.version");
    assertThat(version).as("system property posrelay.project.version (set by the pom)")
        .isNotBlank();
    return version;
  }

  /** The repository's root: the directory above this module with the parent pom and deploy/. */
  static Path repositoryRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve("deploy"))) {
        return d;
      }
    }
    throw new AssertionError("no repository root above " + Path.of("").toAbsolutePath());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
