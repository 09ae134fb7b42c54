package io.posrelay.runtime.management;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Renames the camelCase tags of Micrometer's gRPC meters ({@code grpc.server.*}, {@code
 * grpc.client.*}) to snake_case, {@code methodType} → {@code method_type} and {@code statusCode}
 * → {@code status_code}, so that the scrape passes {@code promtool check metrics} ("label names
 * should be written in 'snake_case'"). Needs no gRPC on the classpath: it only names tags.
 */
public final class GrpcLabels {
  /** Registries that have the filters: a filter added twice, or late, makes Micrometer warn. */
  private static final Set<MeterRegistry> RENAMED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  private GrpcLabels() {}

  /**
   * Adds the renaming filters to {@code registry} unless it has them already; call it before the
   * first gRPC meter is registered (a filter does not change meters already registered).
   * {@code ServiceMetrics} does so for every service's registry before its first meter, so the
   * services' own calls find the filters there and add nothing. Thread-safe.
   */
  public static void snakeCase(MeterRegistry registry) {
    if (RENAMED.add(registry)) {
      registry.config()
          .meterFilter(MeterFilter.renameTag("grpc", "methodType", "method_type"))
          .meterFilter(MeterFilter.renameTag("grpc", "statusCode", "status_code"));
    }
  }
}
