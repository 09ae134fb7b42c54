package io.posrelay.runtime.management;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Renames the camelCase tags of Micrometer's gRPC meters ({@code grpc.server.*}, {@code
 * grpc.client.*}) to snake_case, {@code methodType} → {@code method_type} and {@code statusCode}
 * → {@code status_code}, so that the scrape passes {@code promtool check metrics} ("label names
 * should be written in 'snake_case'"). Needs no gRPC on the classpath: it only names tags.
 */
public final class GrpcLabels {
  private GrpcLabels() {}

  /**
   * Adds the renaming filters to {@code registry}, once; call it before the first gRPC meter is
   * registered (a filter does not change meters already registered). Idempotent per registry in
   * effect: a second call adds filters that find nothing left to rename.
   */
  public static void snakeCase(MeterRegistry registry) {
    registry.config()
        .meterFilter(MeterFilter.renameTag("grpc", "methodType", "method_type"))
        .meterFilter(MeterFilter.renameTag("grpc", "statusCode", "status_code"));
  }
}
