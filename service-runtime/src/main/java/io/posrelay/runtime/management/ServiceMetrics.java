package io.posrelay.runtime.management;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.posrelay.runtime.BuildInfo;

/**
 * A service's meter registry: Prometheus, with the JVM's memory, GC, threads, class loading, CPU
 * and uptime bound, and {@value #BUILD_INFO} (Prometheus {@code posrelay_build_info}): always 1,
 * its tags {@code version} and {@code revision} the build's ({@link BuildInfo#current()}). Each
 * service instance owns its own, so several can run in one JVM (tests). Close it with the service:
 * that unbinds the GC listeners. Thread-safe.
 */
public final class ServiceMetrics implements AutoCloseable {
  /** The build-info gauge's name: {@value}. */
  public static final String BUILD_INFO = "posrelay.build.info";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A registry with the JVM meters and the build-info gauge of this process's build. */
  public ServiceMetrics() {
    GrpcLabels.snakeCase(registry); // before any meter: a later filter makes Micrometer warn
    BuildInfo build = BuildInfo.current();
    Gauge.builder(BUILD_INFO, () -> 1)
        .description("The build this process runs: always 1, its version and git revision as"
            + " tags")
        .tag("version", build.version())
        .tag("revision", build.revision())
        .register(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The registry: bind the service's own meters to it. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Unbinds the GC listeners and closes the registry. Idempotent. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
