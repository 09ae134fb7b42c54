package io.posrelay.runtime.management;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A service's meter registry: Prometheus, with the JVM's memory, GC, threads, class loading, CPU
 * and uptime bound. Each service instance owns its own, so several can run in one JVM (tests).
 * Close it with the service: that unbinds the GC listeners. Thread-safe.
 */
public final class ServiceMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  /** A registry with the JVM meters bound. */
  public ServiceMetrics() {
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
