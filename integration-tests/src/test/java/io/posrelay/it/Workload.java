package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.posrelay.admin.AdminKeys;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.relay.RelayKeys;
import io.posrelay.runtime.config.ConfigKey;
import io.posrelay.runtime.config.ConfigSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A service's pods in {@code deploy/kubernetes/}, as {@link KubernetesManifestsTest} checks them:
 * its one container, named after the service, and the config file it gets from the ConfigMap
 * ({@code <service>.properties}); the values the service runs with, and what its volumes hold.
 * Asserts its own shape as it is made.
 */
final class Workload {
  private static final Map<String, ConfigSpec> SPECS = Map.of(
      "ilk-ingest", IngestKeys.SPEC, "relay-server", RelayKeys.SPEC, "admin-api", AdminKeys.SPEC);

  final String service;
  final ConfigSpec spec;
  final HasMetadata owner;
  final PodTemplateSpec template;
  private final Map<String, Properties> configFiles;

  private Workload(HasMetadata owner, PodTemplateSpec template,
      Map<String, Properties> configFiles) {
    this.owner = owner;
    this.template = template;
    this.configFiles = configFiles;
    assertThat(template.getSpec().getContainers()).as(name(owner) + ": one container")
        .hasSize(1);
    service = container().getName();
    assertThat(name(owner)).isEqualTo("posrelay-" + service);
    spec = SPECS.get(service);
    assertThat(spec).as(name(owner) + ": container named after a service").isNotNull();
  }

  /**
   * Every Deployment's and StatefulSet's pods, in that order.
   *
   * @param configFiles the ConfigMaps' files by key, e.g. {@code relay-server.properties}
   */
  static List<Workload> all(KubernetesManifests manifests, Map<String, Properties> configFiles) {
    List<Workload> workloads = new ArrayList<>();
    for (Deployment d : manifests.of(Deployment.class)) {
      workloads.add(new Workload(d, d.getSpec().getTemplate(), configFiles));
    }
    for (StatefulSet s : manifests.of(StatefulSet.class)) {
      workloads.add(new Workload(s, s.getSpec().getTemplate(), configFiles));
    }
    return workloads;
  }

  /** A manifest object's {@code metadata.name}. */
  static String name(HasMetadata object) {
    return object.getMetadata().getName();
  }

  Container container() {
    return template.getSpec().getContainers().get(0);
  }

  Properties configFile() {
    Properties file = configFiles.get(service + ".properties");
    assertThat(file).as("ConfigMap key " + service + ".properties").isNotNull();
    return file;
  }

  ConfigKey<?> key(String name) {
    return spec.key(name).orElseThrow(() -> new AssertionError(service + " has no key "
        + name));
  }

  /** The value the service runs with: a literal variable, else its config file, else default. */
  String value(ConfigKey<?> key) {
    return container().getEnv().stream()
        .filter(v -> v.getName().equals(key.env()) && v.getValue() != null)
        .map(EnvVar::getValue).findFirst()
        .orElse(configFile().getProperty(key.name(), key.defaultText()));
  }

  int intValue(ConfigKey<?> key) {
    return Integer.parseInt(value(key));
  }

  long longValue(ConfigKey<?> key) {
    return Long.parseLong(value(key));
  }

  ContainerPort containerPort(IntOrString port, String by) {
    return container().getPorts().stream()
        .filter(p -> port.getStrVal() != null ? port.getStrVal().equals(p.getName())
            : port.getIntVal().equals(p.getContainerPort()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(by + ": " + service + " has no container port "
            + (port.getStrVal() != null ? port.getStrVal() : port.getIntVal())));
  }

  /** The mount whose directory holds {@code path}, the deepest one. */
  Optional<VolumeMount> mountOf(String path) {
    return container().getVolumeMounts().stream()
        .filter(m -> path.startsWith(m.getMountPath() + "/") || path.equals(m.getMountPath()))
        .max(Comparator.comparingInt(m -> m.getMountPath().length()));
  }

  /**
   * Whether a mounted volume holds {@code path}: a ConfigMap's or Secret's listed item, or
   * anything under a persistent or emptyDir volume (which the service writes).
   */
  boolean provides(String path) {
    Optional<VolumeMount> mount = mountOf(path);
    if (mount.isEmpty()) {
      return false;
    }
    Volume volume = template.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.get().getName())).findFirst()
        .orElseGet(() -> null);
    if (volume == null) {
      return owner instanceof StatefulSet set && set.getSpec().getVolumeClaimTemplates().stream()
          .anyMatch(c -> c.getMetadata().getName().equals(mount.get().getName()));
    }
    String relative = path.substring(mount.get().getMountPath().length()).replaceFirst("^/", "");
    List<KeyToPath> items = volume.getConfigMap() != null ? volume.getConfigMap().getItems()
        : volume.getSecret() != null ? volume.getSecret().getItems() : null;
    if (items == null) {
      return volume.getEmptyDir() != null;
    }
    if (volume.getConfigMap() != null) {
      assertThat(items).allSatisfy(i -> assertThat(configFiles).containsKey(i.getKey()));
    }
    return items.stream().anyMatch(i -> i.getPath().equals(relative));
  }
}
