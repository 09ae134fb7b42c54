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
    meters.resultIgnored();
    meters.failed(io.posrelay.v1.FailureReason.FAILURE_REASON_ACK_TIMEOUT);

    assertThat(registry.scrape())
        .contains("posrelay_relay_results_ignored_total 1.0")
        .contains("posrelay_relay_deliveries_total{outcome=\"failed\",reason=\"ack_timeout\"} 1.0")
        .contains("posrelay_relay_delivery_latency_seconds_count 0");
  }
}
