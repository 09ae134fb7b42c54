package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.ilk.v1.IlkResultIds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every service's {@code GET /metrics} after real traffic — a delivered result, one nobody
 * claimed (UNCLAIMED, then delivered by recovery when its terminal connects), a refused callback,
 * operator calls — written to {@code target/metrics/<service>.prom} for {@code promtool check
 * metrics} in {@code .ci/run}; and every metric the dashboard ({@code deploy/grafana/
 * posrelay.json}) and the alert rules ({@code deploy/prometheus/alerts.yml}) name is one these
 * scrapes really have. The dashboard's queries are written out as a rules file for {@code
 * promtool check rules} too.
 */
@ExtendWith(SharedKafka.class)
class MetricsScrapeTest {
  /** Where .ci/run finds the scrapes. */
  static final Path SCRAPES = Path.of("target", "metrics");
  /** Names the dashboard and alerts may use that no scrape here has: Prometheus' own {@code up}. */
  static final Set<String> NOT_SCRAPED = Set.of("up");
  private static final Pattern NAME =
      Pattern.compile("\\b((?:posrelay|grpc|kafka|jvm|process)_[a-zA-Z0-9_]+)");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void afterTraffic_everyServiceScrapes_andTheDashboardAndAlertsNameOnlyRealMetrics(
      KafkaCluster kafka) throws Exception {
    Map<String, String> scrapes = new LinkedHashMap<>();
    try (PosRelayStack stack = PosRelayStack.startWithRecovery(kafka)) {
      String held = "MX-" + Long.toString(System.nanoTime(), 36);
      String away = "MY-" + Long.toString(System.nanoTime(), 36);
      try (TestTerminal terminal = TestTerminal.connect(stack.relayPort(0), held)) {
        String deliveredTx = Webhook.newTransactionId();
        String unclaimedTx = Webhook.newTransactionId();
        assertThat(stack.webhook.post(Webhook.approval(deliveredTx, held, 1_000)).statusCode())
            .isEqualTo(202);
        assertThat(stack.webhook.post(Webhook.approval(unclaimedTx, away, 2_000)).statusCode())
            .isEqualTo(202);
        assertThat(stack.webhook.post("{\"transactionId\":1}").statusCode()).isEqualTo(400);
        awaitStatus(stack, deliveredTx, DeliveryStatus.DELIVERY_STATUS_DELIVERED);
        awaitStatus(stack, unclaimedTx, DeliveryStatus.DELIVERY_STATUS_FAILED);
        try (TestTerminal late = TestTerminal.connect(stack.relayPort(1), away)) {
          awaitStatus(stack, unclaimedTx, DeliveryStatus.DELIVERY_STATUS_DELIVERED);
        }
      }
      stack.adminStub().getStats(GetStatsRequest.getDefaultInstance());
      // The transitions counter reads the committed delivery events: up to a commit later.
      await().atMost(Duration.ofSeconds(20)).until(() -> scrape(stack.admin.managementPort())
          .contains("posrelay_ledger_transitions_total{reason=\"unclaimed\",to=\"failed\"} 1.0"));

      scrapes.put("ilk-ingest", scrape(stack.ingest.managementPort()));
      for (int i = 0; i < stack.relays.size(); i++) {
        scrapes.put("relay-server-" + (i + 1), scrape(stack.relays.get(i).managementPort()));
      }
      scrapes.put("admin-api", scrape(stack.admin.managementPort()));
    }

    Files.createDirectories(SCRAPES);
    for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
      Files.writeString(SCRAPES.resolve(scrape.getKey() + ".prom"), scrape.getValue(),
          StandardCharsets.UTF_8);
    }
    String ingest = scrapes.get("ilk-ingest");
    String relays = scrapes.get("relay-server-1") + scrapes.get("relay-server-2");
    String admin = scrapes.get("admin-api");
    assertThat(ingest)
        .contains("posrelay_ingest_requests_total{outcome=\"accepted\"} 2.0")
        .contains("posrelay_ingest_requests_total{outcome=\"invalid\"} 1.0")
        .contains("posrelay_ingest_request_duration_seconds_bucket{outcome=\"accepted\",le=\"3.0\"} 2");
    assertThat(relays)
        .contains("posrelay_relay_deliveries_total{outcome=\"delivered\",reason=\"none\"} 1.0")
        .contains("posrelay_relay_result_age_seconds_bucket")
        .contains("grpc_client_processing_duration_seconds_count{method=\"ListDeliveries\"");
    assertThat(admin)
        .contains("posrelay_ledger_transitions_total{reason=\"none\",to=\"delivered\"} 2.0")
        .contains("grpc_server_processing_duration_seconds_count{method=\"GetStats\"");

    Set<String> scraped = new TreeSet<>();
    for (String text : scrapes.values()) {
      for (String line : text.split("\n")) {
        Matcher name = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(line);
        if (!line.startsWith("#") && name.find()) {
          scraped.add(name.group(1));
        }
      }
    }
    Path deploy = ConfigurationDocTest.docs().getParent().resolve("deploy");
    Path alerts = deploy.resolve("prometheus/alerts.yml");
    Path dashboard = deploy.resolve("grafana/posrelay.json");
    Map<Path, String> queries = Map.of(alerts, Files.readString(alerts, StandardCharsets.UTF_8),
        dashboard, String.join("\n", checkDashboard(dashboard)));
    for (Map.Entry<Path, String> file : queries.entrySet()) {
      Set<String> named = new TreeSet<>();
      Matcher m = NAME.matcher(file.getValue());
      while (m.find()) {
        named.add(m.group(1));
      }
      named.removeAll(NOT_SCRAPED);
      assertThat(named).as("metrics named in %s", file.getKey()).isNotEmpty();
      assertThat(scraped).as("metrics named in %s that no service serves", file.getKey())
          .containsAll(named);
    }
    System.out.printf("METRICS scraped %d series names from %s into %s%n", scraped.size(),
        scrapes.keySet(), SCRAPES.toAbsolutePath());
  }

  /**
   * The dashboard's shape: every panel but a row has a datasource and queries, and the panels the
   * issue asks for are there; its queries, as recording rules ({@code $__rate_interval} as 5m),
   * go to {@code target/metrics/dashboard-queries.rules.json} for {@code promtool check rules},
   * which parses each one as PromQL.
   *
   * @return the panels' queries
   */
  private static List<String> checkDashboard(Path file) throws Exception {
    ObjectMapper json = new ObjectMapper();
    JsonNode dashboard = json.readTree(file.toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("posrelay");
    ArrayNode rules = json.createArrayNode();
    List<String> titles = new ArrayList<>();
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      if (panel.path("type").asText().equals("row")) {
        continue;
      }
      assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
          .isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as(panel.path("title").asText()).isNotBlank();
        exprs.add(expr);
        rules.addObject()
            .put("record", "dashboard_panel_" + panel.path("id").asInt() + "_"
                + target.path("refId").asText())
            .put("expr", expr.replace("$__rate_interval", "5m"));
      }
    }
    assertThat(String.join("|", titles).toLowerCase(java.util.Locale.ROOT))
        .contains("funnel", "end to end", "webhook", "terminals per relay node", "reader lag",
            "oldest pending", "readiness per instance", "grpc errors");
    ObjectNode group = json.createObjectNode().put("name", "dashboard");
    group.set("rules", rules);
    ObjectNode rulesFile = json.createObjectNode();
    rulesFile.putArray("groups").add(group);
    Files.writeString(SCRAPES.resolve("dashboard-queries.rules.json"),
        json.writerWithDefaultPrettyPrinter().writeValueAsString(rulesFile),
        StandardCharsets.UTF_8);
    return exprs;
  }

  private static void awaitStatus(PosRelayStack stack, String transactionId,
      DeliveryStatus status) {
    GetDeliveryRequest get = GetDeliveryRequest.newBuilder()
        .setResultId(IlkResultIds.resultIdOf(transactionId)).build();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> stack.adminStub().getDelivery(get).getStatus() == status);
  }

  private String scrape(int port) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
