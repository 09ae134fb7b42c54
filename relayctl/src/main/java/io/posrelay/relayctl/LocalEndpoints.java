package io.posrelay.relayctl;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a running local cluster listens. All hosts are {@code 127.0.0.1}.
 *
 * @param kafkaBootstrap Kafka bootstrap servers, {@code HOST:PORT}
 * @param ingestPort ilk-ingest HTTP port (webhook and /metrics)
 * @param relayPosPorts POS ports of the relay nodes, in node order (relay-1, relay-2, …)
 * @param relayMetricsPorts metrics ports of the relay nodes, same order
 * @param grpcPort admin-api gRPC port; 0 when the cluster runs without admin-api
 * @param adminMetricsPort admin-api metrics port; 0 when the cluster runs without admin-api
 * @param logsDir the directory of the children's log files, as shown to the operator
 */
public record LocalEndpoints(
    String kafkaBootstrap,
    int ingestPort,
    List<Integer> relayPosPorts,
    List<Integer> relayMetricsPorts,
    int grpcPort,
    int adminMetricsPort,
    String logsDir) {

  /** Path of the ILK webhook on ilk-ingest. */
  public static final String WEBHOOK_PATH = "/ilk/v1/results";

  /** Copies the lists. */
  public LocalEndpoints {
    relayPosPorts = List.copyOf(relayPosPorts);
    relayMetricsPorts = List.copyOf(relayMetricsPorts);
  }

  /** The ILK webhook URL, e.g. {@code http://127.0.0.1:8080/ilk/v1/results}. */
  public String webhookUrl() {
    return "http://" + LocalPorts.LOOPBACK + ":" + ingestPort + WEBHOOK_PATH;
  }

  /** The relay nodes' POS addresses, in node order. */
  public List<HostPort> posAddresses() {
    return relayPosPorts.stream().map(p -> new HostPort(LocalPorts.LOOPBACK, p)).toList();
  }

  /** admin-api's gRPC address. */
  public HostPort grpcAddress() {
    return new HostPort(LocalPorts.LOOPBACK, grpcPort);
  }

  /** Every /metrics URL: ilk-ingest, the relay nodes, admin-api. */
  public List<String> metricsUrls() {
    List<Integer> ports = new ArrayList<>();
    ports.add(ingestPort);
    ports.addAll(relayMetricsPorts);
    ports.add(adminMetricsPort);
    return ports.stream().map(p -> "http://" + LocalPorts.LOOPBACK + ":" + p + "/metrics").toList();
  }

  /**
   * The one line that says the cluster is ready, naming every endpoint, e.g. {@code POS Relay
   * ready: kafka=127.0.0.1:9092 webhook=http://127.0.0.1:8080/ilk/v1/results
   * pos=127.0.0.1:7001,127.0.0.1:7002 grpc=127.0.0.1:9090 metrics=… logs=.posrelay/local/logs}.
   */
  public String readyLine() {
    return "POS Relay ready:"
        + " kafka=" + kafkaBootstrap
        + " webhook=" + webhookUrl()
        + " pos=" + posAddresses().stream().map(HostPort::toString).collect(Collectors.joining(","))
        + " grpc=" + grpcAddress()
        + " metrics=" + String.join(",", metricsUrls())
        + " logs=" + logsDir;
  }
}
