package io.posrelay.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalEndpointsTest {
  @Test
  void readyLine_namesEveryEndpoint() {
    LocalEndpoints endpoints =
        new LocalEndpoints(
            "127.0.0.1:9092", 8080, 9180, List.of(7001, 7002), List.of(9101, 9102), 9090, 9190,
            ".posrelay/local/logs", null);

    // Each service's management URL, named, where /metrics and /health/* live (issue 12).
    assertThat(endpoints.readyLine())
        .isEqualTo(
            "POS Relay ready: kafka=127.0.0.1:9092"
                + " webhook=http://127.0.0.1:8080/ilk/v1/results"
                + " pos=127.0.0.1:7001,127.0.0.1:7002"
                + " grpc=127.0.0.1:9090"
                + " management.ilk-ingest=http://127.0.0.1:9180"
                + " management.relay-1=http://127.0.0.1:9101"
                + " management.relay-2=http://127.0.0.1:9102"
                + " management.admin-api=http://127.0.0.1:9190"
                + " (/metrics /health/live /health/ready on each)"
                + " logs=.posrelay/local/logs");
    assertThat(endpoints.metricsUrls()).containsExactly("http://127.0.0.1:9180/metrics",
        "http://127.0.0.1:9101/metrics", "http://127.0.0.1:9102/metrics",
        "http://127.0.0.1:9190/metrics");
  }

  @Test
  void posAddresses_followNodeOrder() {
    LocalEndpoints endpoints =
        new LocalEndpoints("127.0.0.1:1", 2, 11, List.of(5, 3, 4), List.of(6, 7, 8), 9, 10, "logs",
            null);

    assertThat(endpoints.posAddresses())
        .containsExactly(
            HostAndPort.fromParts("127.0.0.1", 5), HostAndPort.fromParts("127.0.0.1", 3),
            HostAndPort.fromParts("127.0.0.1", 4));
  }

  @Test
  void secureMode_namesItsDirectory_andTheWebhookIsHttps() {
    LocalEndpoints endpoints =
        new LocalEndpoints(
            "127.0.0.1:9092", 8080, 9180, List.of(7001), List.of(9101), 9090, 9190,
            ".posrelay/local/logs", ".posrelay/secure");

    assertThat(endpoints.secure()).isTrue();
    assertThat(endpoints.webhookUrl()).isEqualTo("https://127.0.0.1:8080/ilk/v1/results");
    assertThat(endpoints.metricsUrls()).containsExactly("http://127.0.0.1:9180/metrics",
        "http://127.0.0.1:9101/metrics", "http://127.0.0.1:9190/metrics");
    assertThat(endpoints.readyLine()).contains(" webhook=https://127.0.0.1:8080/ilk/v1/results")
        .contains(" secure=.posrelay/secure (TLS on every listener");
  }

  @Test
  void managementUrls_nameEachService_withoutAdminApiWhenItDoesNotRun() {
    LocalEndpoints endpoints = new LocalEndpoints("127.0.0.1:9092", 8080, 9180, List.of(7001),
        List.of(9101), 0, 0, "logs", null);

    assertThat(endpoints.managementUrls()).containsExactly(
        java.util.Map.entry("ilk-ingest", "http://127.0.0.1:9180"),
        java.util.Map.entry("relay-1", "http://127.0.0.1:9101"));
  }
}
