package io.posrelay.it;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The objects of {@code deploy/kubernetes/*.yaml}, parsed strictly into the Kubernetes API's own
 * types (fabric8's kubernetes-model, generated from the official OpenAPI definitions): a field of
 * the wrong type, a scalar that would need coercion ({@code replicas: "3"}), a duplicate key, an
 * unknown {@code apiVersion}/{@code kind} or an unknown field anywhere (a misspelt {@code
 * readinesProbe} would otherwise be dropped by the API server) is an error naming the file and
 * the field. Immutable after {@link #load}.
 */
final class KubernetesManifests {
  /** The kinds these manifests may hold, by {@code apiVersion/kind}. */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "apps/v1/Deployment", Deployment.class,
      "apps/v1/StatefulSet", StatefulSet.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final YAMLMapper YAML = YAMLMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .build();
  private static final JsonMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  /** Every object, with the file it came from. */
  final List<Manifest> all;

  /** One object of one file. */
  record Manifest(Path file, HasMetadata object) {
    String describe() {
      return file.getFileName() + " " + object.getKind() + " " + object.getMetadata().getName();
    }
  }

  private KubernetesManifests(List<Manifest> all) {
    this.all = List.copyOf(all);
  }

  /**
   * Parses every {@code *.yaml} of {@code dir}.
   *
   * @throws AssertionError naming the file and the field of the first problem found
   */
  static KubernetesManifests load(Path dir) throws IOException {
    List<Manifest> all = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      List<JsonNode> documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())
          .readAll();
      for (JsonNode document : documents) {
        if (document == null || document.isNull() || document.isMissingNode()) {
          continue;
        }
        String type = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        Class<? extends HasMetadata> kind = KINDS.get(type);
        if (kind == null) {
          throw new AssertionError(file + ": " + type + " (expected one of " + KINDS.keySet()
              + ")");
        }
        HasMetadata object;
        try {
          object = STRICT.treeToValue(document, kind);
        } catch (IOException e) {
          throw new AssertionError(file + ": not a valid " + type + ": " + e.getMessage(), e);
        }
        List<String> unknown = new ArrayList<>();
        unknownFields(object, type + " " + object.getMetadata().getName(), unknown);
        if (!unknown.isEmpty()) {
          throw new AssertionError(file + ": " + String.join("; ", unknown));
        }
        all.add(new Manifest(file, object));
      }
    }
    return new KubernetesManifests(all);
  }

  /** The objects of one type, in file order. */
  <T extends HasMetadata> List<T> of(Class<T> type) {
    return all.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
  }

  /**
   * Walks a parsed object: fabric8's types keep a field the API does not define in {@code
   * additionalProperties} instead of failing, so a non-empty one anywhere is an unknown field.
   */
  private static void unknownFields(@Nullable Object value, String path, List<String> problems) {
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        unknownFields(item, path + "[" + i++ + "]", problems);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unknownFields(v, path + "." + k, problems));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object field;
      try {
        field = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new AssertionError(path + ": cannot read " + getter.getName(), e);
      }
      String name = getter.getName().substring(3, 4).toLowerCase(Locale.ROOT)
          + getter.getName().substring(4);
      if (name.equals("additionalProperties")) {
        if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
          problems.add(path + ": unknown field(s) " + extra.keySet());
        }
      } else {
        unknownFields(field, path + "." + name, problems);
      }
    }
  }
}
