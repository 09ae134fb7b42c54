package io.posrelay.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The relay's meters as Prometheus scrapes them (the management server serves this text). */
class RelayMetersTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  @Test
  void scrape_showsTheRelayMeters_withBaseUnitsAndBoundedTags() {
    RelayMeters meters = new RelayMeters(registry);
    meters.deliveries().resultIgnored();
    meters.deliveries().failed(io.posrelay.v1.FailureReason.FAILURE_REASON_ACK_TIMEOUT);

    assertThat(registry.scrape())
        .contains("posrelay_relay_results_ignored_total 1.0")
        .contains("posrelay_relay_deliveries_total{outcome=\"failed\",reason=\"ack_timeout\"} 1.0")
        .contains("posrelay_relay_delivery_latency_seconds_count 0");
  }

  @Test
  void deliveries_areDeliveredOrFailedOnly_claimedIsItsOwnMeter_andLatencyHasTheSloBuckets() {
    RelayMeters meters = new RelayMeters(registry, java.time.Duration.ofMillis(333),
        java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(3));
    meters.deliveries().claimed();
    meters.deliveries().delivered(java.time.Duration.ofMillis(600).toNanos());

    String scrape = registry.scrape();
    assertThat(scrape)
        .contains("posrelay_relay_deliveries_total{outcome=\"delivered\",reason=\"none\"} 1.0")
        .contains("posrelay_relay_deliveries_claimed_total 1.0")
        .contains("posrelay_relay_acks_late_total 0.0")
        .doesNotContain("outcome=\"claimed\"")
        .contains("posrelay_relay_delivery_latency_seconds_bucket{le=\"0.333\"} 0")
        .contains("posrelay_relay_delivery_latency_seconds_bucket{le=\"0.5\"} 0")
        .contains("posrelay_relay_delivery_latency_seconds_bucket{le=\"2.0\"} 1")
        .contains("posrelay_relay_delivery_latency_seconds_bucket{le=\"3.0\"} 1")
        .contains("posrelay_relay_delivery_latency_seconds_bucket{le=\"5.0\"} 1")
        .contains("posrelay_relay_result_age_seconds_bucket{le=\"3.0\"} 0");
  }
}
