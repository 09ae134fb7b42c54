package io.posrelay.runtime.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The latency buckets: at the system's thresholds, and at a deployment's own. */
class LatencyBucketsTest {
  @Test
  void buckets_includeTheClaimDelayClaimDeadlineAndAckTimeout_andConfiguredOnes() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer timer = Timer.builder("posrelay.test.latency")
        .serviceLevelObjectives(LatencyBuckets.with(Duration.ofSeconds(2), Duration.ZERO,
            Duration.ofSeconds(3)))
        .register(registry);
    timer.record(Duration.ofMillis(2_900));

    assertThat(registry.scrape())
        .contains("posrelay_test_latency_seconds_bucket{le=\"0.5\"} 0")
        .contains("posrelay_test_latency_seconds_bucket{le=\"2.0\"} 0")
        .contains("posrelay_test_latency_seconds_bucket{le=\"3.0\"} 1")
        .contains("posrelay_test_latency_seconds_bucket{le=\"5.0\"} 1")
        .contains("posrelay_test_latency_seconds_bucket{le=\"+Inf\"} 1");
    assertThat(LatencyBuckets.with()).hasSize(13).isSorted();
  }
}
