package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator against a fake webhook that accepts every other callback. */
class IlkSimulatorTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private HttpServer webhook;

  @BeforeEach
  void startWebhook() throws IOException {
    AtomicInteger calls = new AtomicInteger();
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    webhook.createContext(
        LocalEndpoints.WEBHOOK_PATH,
        exchange -> {
          JsonNode body = mapper.readTree(exchange.getRequestBody());
          bodies.add(body);
          boolean accept = calls.incrementAndGet() % 2 == 1;
          byte[] response =
              accept
                  ? ("{\"resultId\":\"id-" + body.get("transactionId").asText() + "\"}")
                      .getBytes(StandardCharsets.UTF_8)
                  : "{\"error\":\"busy\"}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(accept ? 202 : 503, response.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(response);
          }
        });
    webhook.start();
  }

  @AfterEach
  void stopWebhook() {
    webhook.stop(0);
  }

  @Test
  void run_sendsCount_reportsAccepted_andCountsRejectionsByStatus() throws Exception {
    IlkSimulatorConfig config =
        IlkSimulatorConfig.builder()
            .url(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort()
                + LocalEndpoints.WEBHOOK_PATH))
            .ratePerSecond(200)
            .count(10)
            .maxInFlight(1)
            .runId("t")
            .build();
    List<AcceptedResult> accepted = new CopyOnWriteArrayList<>();

    IlkSimStats stats = new IlkSimulator(config, accepted::add).run();

    assertThat(stats.sent()).isEqualTo(10);
    assertThat(stats.accepted()).isEqualTo(5);
    assertThat(stats.rejectedByStatus()).isEqualTo(Map.of(503, 5L));
    assertThat(stats.errors()).isZero();
    assertThat(bodies).hasSize(10);
    assertThat(accepted)
        .allSatisfy(
            a -> assertThat(a.resultId()).isEqualTo("id-" + a.callback().transactionId()));
  }

  @Test
  void run_againstClosedPort_countsErrors() throws Exception {
    int closedPort = LocalPorts.pickFree();
    IlkSimulatorConfig config =
        IlkSimulatorConfig.builder()
            .url(URI.create("http://127.0.0.1:" + closedPort + "/ilk/v1/results"))
            .ratePerSecond(100)
            .count(3)
            .build();

    IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

    assertThat(stats.sent()).isEqualTo(3);
    assertThat(stats.accepted()).isZero();
    assertThat(stats.errors()).isEqualTo(3);
  }
}
