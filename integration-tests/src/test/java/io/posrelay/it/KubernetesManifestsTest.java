package io.posrelay.it;

import static io.posrelay.it.Workload.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.runtime.management.ManagementServer;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/kubernetes/} checked against the code: every probe path and port, config key,
 * environment variable and file path the manifests name exists — keys and variables in the
 * services' key tables ({@link ConfigKey#name()}, {@link ConfigKey#env()}), ports as the keys'
 * values in the ConfigMap or their defaults, paths in the image (the package's layout under
 * {@value #IMAGE_HOME}, deploy/package/service.xml) or in a mounted volume. The manifests also
 * parse strictly as the Kubernetes API's types ({@link KubernetesManifests}). The Dockerfiles are
 * checked against the same: their ports, user and entry point.
 */
class KubernetesManifestsTest {
  /** Where each Dockerfile puts its package. */
  static final String IMAGE_HOME = "/opt/posrelay";

  private static final Set<String> KAFKA_PROPERTIES = kafkaProperties();
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private static Path root;
  private static KubernetesManifests manifests;
  private static Map<String, Properties> configFiles;

  @BeforeAll
  static void load() throws IOException {
    root = ServicePackagesIT.repositoryRoot();
    manifests = KubernetesManifests.load(root.resolve("deploy/kubernetes"));
    configFiles = new HashMap<>();
    for (ConfigMap map : manifests.of(ConfigMap.class)) {
      for (Map.Entry<String, String> entry : map.getData().entrySet()) {
        Properties properties = new Properties();
        properties.load(new StringReader(entry.getValue()));
        configFiles.put(entry.getKey(), properties);
      }
    }
  }

  @Test
  void manifests_parseStrictly_andHoldADeploymentOrStatefulSetPerService() {
    assertThat(manifests.of(Deployment.class)).extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("posrelay-ilk-ingest", "posrelay-relay-server");
    StatefulSet admin = single(manifests.of(StatefulSet.class));
    assertThat(admin.getMetadata().getName()).isEqualTo("posrelay-admin-api");
    assertThat(admin.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
        .containsExactly("state");
    assertThat(admin.getSpec().getServiceName()).as("the StatefulSet's headless Service")
        .isIn(manifests.of(Service.class).stream()
            .filter(s -> "None".equals(s.getSpec().getClusterIP()))
            .map(s -> s.getMetadata().getName()).toList());
    assertThat(workloads()).hasSize(3);
  }

  @Test
  void probes_askTheHealthPaths_onTheManagementPort() {
    for (Workload w : workloads()) {
      Container c = w.container();
      int management = w.intValue(w.key("management.port"));
      assertThat(List.of(c.getStartupProbe(), c.getLivenessProbe()))
          .allSatisfy(p -> assertProbe(w, p, ManagementServer.LIVE_PATH, management));
      assertProbe(w, c.getReadinessProbe(), ManagementServer.READY_PATH, management);
    }
  }

  @Test
  void ports_areTheServicesPorts_inPodsServicesAndImages() throws IOException {
    for (Workload w : workloads()) {
      for (ContainerPort port : w.container().getPorts()) {
        String key = port.getName().equals("management") ? "management.port" : "port";
        assertThat(port.getContainerPort()).as(w.service + " port " + port.getName() + " = " + key)
            .isEqualTo(w.intValue(w.key(key)));
      }
      int defaultPort = Integer.parseInt(w.key("port").defaultText());
      int defaultManagement = Integer.parseInt(w.key("management.port").defaultText());
      assertThat(dockerfile(w.service)).as(w.service + "'s Dockerfile: EXPOSE the keys' defaults")
          .containsPattern("(?m)^EXPOSE " + defaultPort + " " + defaultManagement + "$");
    }
    for (Service service : manifests.of(Service.class)) {
      Workload w = selected(service.getSpec().getSelector(), "Service " + name(service));
      for (ServicePort port : service.getSpec().getPorts()) {
        ContainerPort target = w.containerPort(port.getTargetPort(), "Service " + name(service));
        assertThat(port.getPort()).as("Service %s port %s", name(service), port.getName())
            .isEqualTo(target.getContainerPort());
      }
    }
    for (PodDisruptionBudget pdb : manifests.of(PodDisruptionBudget.class)) {
      selected(pdb.getSpec().getSelector().getMatchLabels(), "PodDisruptionBudget " + name(pdb));
    }
    assertThat(manifests.of(PodDisruptionBudget.class)).hasSize(3);
  }

  @Test
  void configFiles_holdOnlyKeysOfTheirService_andNoSecret() {
    for (Workload w : workloads()) {
      Properties file = w.configFile();
      for (String name : file.stringPropertyNames()) {
        if (name.startsWith("kafka.") && !name.equals(KafkaKeys.BOOTSTRAP_SERVERS.name())) {
          assertThat(KAFKA_PROPERTIES).as("%s: %s passes through to a Kafka client", w.service,
              name).contains(kafkaProperty(name));
          assertThat(name).as("a Kafka secret belongs in a Secret").doesNotContain("jaas", "password");
        } else {
          ConfigKey<?> key = w.key(name);
          assertThat(key.isSecret()).as("%s: %s is a secret: not in a ConfigMap", w.service, name)
              .isFalse();
        }
      }
    }
  }

  @Test
  void environmentVariables_areKeysOfTheirService_theKafkaPassThrough_orTheLaunchers()
      throws IOException {
    String launcher = Files.readString(root.resolve("deploy/package/bin/launcher.sh"),
        StandardCharsets.UTF_8);
    for (Workload w : workloads()) {
      List<EnvVar> env = w.container().getEnv();
      Set<String> referenced = new HashSet<>();
      env.forEach(v -> matches(REFERENCE, String.valueOf(v.getValue())).forEach(referenced::add));
      for (EnvVar v : env) {
        String name = v.getName();
        if (referenced.contains(name)) {
          continue; // a helper, e.g. POD_NAME in $(POD_NAME).posrelay-admin-api-peers
        }
        if (name.equals("POSRELAY_JAVA_OPTS")) {
          assertThat(launcher).contains("${POSRELAY_JAVA_OPTS:-}");
        } else if (name.startsWith("POSRELAY_KAFKA_") && !name.equals(KafkaKeys.BOOTSTRAP_SERVERS
            .env())) {
          String property = name.substring("POSRELAY_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
          assertThat(KAFKA_PROPERTIES).as("%s: %s is kafka.%s", w.service, name, property)
              .contains(property);
        } else {
          assertThat(w.spec.keys()).as("%s: %s is a key's variable", w.service, name)
              .anyMatch(k -> k.env().equals(name));
        }
      }
    }
  }

  @Test
  void filePaths_existInTheImage_orInAMountedVolume() throws Exception {
    for (Workload w : workloads()) {
      List<String> paths = new ArrayList<>();
      List<String> args = w.container().getArgs();
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals("--config")) {
          paths.add(args.get(i + 1));
        }
      }
      assertThat(paths).as(w.service + " --config in args").isNotEmpty();
      w.configFile().forEach((name, value) -> {
        if (name.toString().endsWith("-file") || name.toString().endsWith(".location")
            || name.equals("state-dir")) {
          paths.add(value.toString());
        }
      });
      for (String path : paths) {
        assertThat(w.provides(path) || packageLayout(w.service).contains(path))
            .as("%s: %s is in a mounted volume or the image", w.service, path).isTrue();
      }
    }
  }

  @Test
  void shutdownResourcesImagesAndUsers_matchTheServicesAndTheirImages() throws IOException {
    String version = ServicePackagesIT.version();
    for (Workload w : workloads()) {
      PodSpec pod = w.template.getSpec();
      Container c = w.container();
      assertThat(c.getImage()).isEqualTo("posrelay/" + w.service + ":" + version);
      String dockerfile = dockerfile(w.service);
      assertThat(dockerfile).as(w.service + "'s Dockerfile runs the package's launcher")
          .contains("FROM eclipse-temurin:17-jre")
          .contains("ENTRYPOINT [\"" + IMAGE_HOME + "/bin/" + w.service + "\", \"--config\", \""
              + IMAGE_HOME + "/config/" + w.service + ".properties\"]");
      assertThat(packageLayout(w.service)).contains(IMAGE_HOME + "/bin/" + w.service,
          IMAGE_HOME + "/config/" + w.service + ".properties");
      long uid = Long.parseLong(firstMatch(dockerfile, "(?m)^USER (\\d+):\\d+$"));
      assertThat(uid).as(w.service + ": not root").isPositive();
      assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
      assertThat(pod.getSecurityContext().getRunAsUser()).as("the image's user").isEqualTo(uid);

      Map<String, Quantity> requests = c.getResources().getRequests();
      assertThat(requests).as(w.service + " resource requests").containsKeys("cpu", "memory");
      assertThat(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")))
          .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get("memory")));
    }
    Workload relay = workload("relay-server");
    long drainMillis = Math.min(relay.longValue(relay.key("shutdown-drain.ms")),
        relay.longValue(relay.key("ack-timeout.ms")));
    assertThat(relay.template.getSpec().getTerminationGracePeriodSeconds() * 1000)
        .as("relay-server: the drain, and 10 s to close its Kafka clients and listeners")
        .isGreaterThanOrEqualTo(drainMillis + 10_000);
    Workload ingest = workload("ilk-ingest");
    assertThat(ingest.template.getSpec().getTerminationGracePeriodSeconds() * 1000)
        .isGreaterThanOrEqualTo(ingest.longValue(ingest.key("shutdown-timeout.ms")) + 10_000);
    Workload admin = workload("admin-api");
    assertThat(admin.provides(admin.value(admin.key("state-dir")) + "/x"))
        .as("admin-api's state-dir on the persistent volume").isTrue();
    assertThat(admin.mountOf(admin.value(admin.key("state-dir"))).map(VolumeMount::getName))
        .contains("state");
  }

  private static void assertProbe(Workload w, Probe probe, String path, int managementPort) {
    assertThat(probe).as(w.service + " probe on " + path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).as(w.service + " probe path").isEqualTo(path);
    assertThat(w.containerPort(probe.getHttpGet().getPort(), w.service + " probe")
        .getContainerPort()).isEqualTo(managementPort);
  }

  /** The package's files, as the image holds them (deploy/package/service.xml). */
  private static Set<String> packageLayout(String service) throws IOException {
    String descriptor = Files.readString(root.resolve("deploy/package/service.xml"),
        StandardCharsets.UTF_8).replace("${project.artifactId}", service);
    Set<String> layout = new HashSet<>();
    Matcher file = Pattern.compile("<file>(.*?)</file>", Pattern.DOTALL).matcher(descriptor);
    while (file.find()) {
      String source = firstMatch(file.group(1), "<source>([^<]+)</source>");
      String dir = firstMatch(file.group(1), "<outputDirectory>([^<]+)</outputDirectory>");
      String dest = Optional.ofNullable(firstMatchOrNull(file.group(1),
          "<destName>([^<]+)</destName>")).orElse(source.substring(source.lastIndexOf('/') + 1));
      layout.add(IMAGE_HOME + "/" + dir + "/" + dest);
    }
    return layout;
  }

  private static String dockerfile(String service) throws IOException {
    return Files.readString(root.resolve("deploy/docker/" + service + "/Dockerfile"),
        StandardCharsets.UTF_8);
  }

  private Workload workload(String service) {
    return workloads().stream().filter(w -> w.service.equals(service)).findFirst().orElseThrow();
  }

  private List<Workload> workloads() {
    return Workload.all(manifests, configFiles);
  }

  private Workload selected(Map<String, String> selector, String by) {
    List<Workload> matching = workloads().stream()
        .filter(w -> w.template.getMetadata().getLabels().entrySet()
            .containsAll(selector.entrySet()))
        .toList();
    assertThat(matching).as(by + " selects one workload's pods").hasSize(1);
    return matching.get(0);
  }

  private static Set<String> kafkaProperties() {
    Set<String> names = new HashSet<>(ProducerConfig.configNames());
    names.addAll(ConsumerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    names.addAll(StreamsConfig.configDef().names());
    return names;
  }

  /** {@code kafka.[producer.|consumer.|admin.|streams.]<property>} → the property. */
  private static String kafkaProperty(String key) {
    String property = key.substring("kafka.".length());
    for (String kind : List.of("producer.", "consumer.", "admin.", "streams.")) {
      if (property.startsWith(kind)) {
        return property.substring(kind.length());
      }
    }
    return property;
  }

  private static <T> T single(List<T> items) {
    assertThat(items).hasSize(1);
    return items.get(0);
  }

  private static List<String> matches(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String firstMatch(String text, String regex) {
    String found = firstMatchOrNull(text, regex);
    assertThat(found).as(regex + " in " + text).isNotNull();
    return found;
  }

  private static String firstMatchOrNull(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : null;
  }
}
