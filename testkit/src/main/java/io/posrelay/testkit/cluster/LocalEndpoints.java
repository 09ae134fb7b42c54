package io.posrelay.testkit.cluster;

import com.google.common.net.HostAndPort;
import io.posrelay.runtime.management.ManagementServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Where a running local cluster listens. All hosts are {@code 127.0.0.1}. Immutable.
 *
 * @param kafkaBootstrap Kafka bootstrap servers, {@code HOST:PORT}
 * @param ingestPort ilk-ingest's webhook port
 * @param ingestMetricsPort ilk-ingest's management port (/metrics, /health/live, /health/ready)
 * @param relayPosPorts POS ports of the relay nodes, in node order (relay-1, relay-2, …)
 * @param relayMetricsPorts management ports of the relay nodes, same order
 * @param grpcPort admin-api gRPC port; 0 when the cluster runs without admin-api
 * @param adminMetricsPort admin-api management port; 0 when the cluster runs without admin-api
 * @param logsDir the directory of the children's log files, as shown to the operator
 * @param secureDir secure mode's directory of secrets and certificates, as shown to the
 *     operator; null when secure mode is off (plain TCP and HTTP, no checks)
 */
public record LocalEndpoints(
    String kafkaBootstrap,
    int ingestPort,
    int ingestMetricsPort,
    List<Integer> relayPosPorts,
    List<Integer> relayMetricsPorts,
    int grpcPort,
    int adminMetricsPort,
    String logsDir,
    @Nullable String secureDir) {

  /** Path of the ILK webhook on ilk-ingest. */
  public static final String WEBHOOK_PATH = "/ilk/v1/results";

  /** Copies the lists. */
  public LocalEndpoints {
    relayPosPorts = List.copyOf(relayPosPorts);
    relayMetricsPorts = List.copyOf(relayMetricsPorts);
  }

  /**
   * The ILK webhook URL, e.g. {@code http://127.0.0.1:8080/ilk/v1/results}; {@code https://} in
   * secure mode.
   */
  public String webhookUrl() {
    return (secureDir == null ? "http://" : "https://") + LocalPorts.LOOPBACK + ":" + ingestPort
        + WEBHOOK_PATH;
  }

  /** Whether the cluster runs in secure mode (TLS and every check on). */
  public boolean secure() {
    return secureDir != null;
  }

  /** The relay nodes' POS addresses, in node order. */
  public List<HostAndPort> posAddresses() {
    return relayPosPorts.stream()
        .map(p -> HostAndPort.fromParts(LocalPorts.LOOPBACK, p))
        .toList();
  }

  /** admin-api's gRPC address. */
  public HostAndPort grpcAddress() {
    return HostAndPort.fromParts(LocalPorts.LOOPBACK, grpcPort);
  }

  /** Every /metrics URL: ilk-ingest, the relay nodes, admin-api. */
  public List<String> metricsUrls() {
    List<String> urls = new ArrayList<>();
    // Every service serves /metrics on its own management port, plain HTTP.
    List<Integer> ports = new ArrayList<>();
    ports.add(ingestMetricsPort);
    ports.addAll(relayMetricsPorts);
    ports.add(adminMetricsPort);
    ports.forEach(p -> urls.add("http://" + LocalPorts.LOOPBACK + ":" + p + "/metrics"));
    return urls;
  }

  /**
   * Each service's management URL, by name ({@code ilk-ingest}, {@code relay-1}, {@code relay-2}
   * …, {@code admin-api} when it runs), in that order: plain HTTP, serving {@value
   * ManagementServer#METRICS_PATH}, {@value ManagementServer#LIVE_PATH} and {@value
   * ManagementServer#READY_PATH}, e.g. {@code http://127.0.0.1:9101}.
   */
  public Map<String, String> managementUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    urls.put("ilk-ingest", url(ingestMetricsPort));
    for (int i = 0; i < relayMetricsPorts.size(); i++) {
      urls.put(LocalCluster.nodeId(i), url(relayMetricsPorts.get(i)));
    }
    if (adminMetricsPort != 0) {
      urls.put("admin-api", url(adminMetricsPort));
    }
    return urls;
  }

  private static String url(int port) {
    return "http://" + LocalPorts.LOOPBACK + ":" + port;
  }

  /**
   * The one line that says the cluster is ready, naming every endpoint, e.g. {@code POS Relay
   * ready: kafka=127.0.0.1:9092 webhook=http://127.0.0.1:8080/ilk/v1/results
   * pos=127.0.0.1:7001,127.0.0.1:7002 grpc=127.0.0.1:9090
   * management.ilk-ingest=http://127.0.0.1:9180 management.relay-1=http://127.0.0.1:9101 …
   * (/metrics /health/live /health/ready on each) logs=.posrelay/local/logs}, followed in secure
   * mode by {@code secure=.posrelay/secure (…)}: the directory with the CA certificate and the
   * secrets clients need.
   */
  public String readyLine() {
    StringBuilder management = new StringBuilder();
    managementUrls().forEach((name, url) ->
        management.append(" management.").append(name).append('=').append(url));
    return "POS Relay ready:"
        + " kafka=" + kafkaBootstrap
        + " webhook=" + webhookUrl()
        + " pos=" + posAddresses().stream().map(HostAndPort::toString).collect(Collectors.joining(","))
        + " grpc=" + grpcAddress()
        + management
        + " (" + ManagementServer.METRICS_PATH + " " + ManagementServer.LIVE_PATH + " "
        + ManagementServer.READY_PATH + " on each)"
        + " logs=" + logsDir
        + (secureDir == null ? "" : " secure=" + secureDir
            + " (TLS on every listener; signed callbacks, terminal and operator tokens required)");
  }
}
