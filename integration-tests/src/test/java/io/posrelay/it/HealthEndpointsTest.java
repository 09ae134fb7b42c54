package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.relay.RelayServer;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every service of a running stack answers its orchestrator's probes on its management port:
 * live, and ready with a JSON body naming each component.
 */
@ExtendWith(SharedKafka.class)
class HealthEndpointsTest {

  @Test
  void everyService_isLiveAndReady_namingItsComponents(KafkaCluster kafka) throws Exception {
    try (PosRelayStack stack = PosRelayStack.startWithRecovery(kafka)) {
      await().atMost(Duration.ofSeconds(30))
          .until(() -> HealthProbe.readyStatus(stack.ingest.managementPort()) == 200);
      assertThat(HealthProbe.ready(stack.ingest.managementPort()).body())
          .startsWith("{\"service\":\"ilk-ingest\",\"status\":\"UP\"")
          .contains("\"webhook-listener\":{\"status\":\"UP\"", "\"kafka\":{\"status\":\"UP\"");

      for (RelayServer relay : stack.relays) {
        await().atMost(Duration.ofSeconds(30))
            .until(() -> HealthProbe.readyStatus(relay.managementPort()) == 200);
        assertThat(HealthProbe.ready(relay.managementPort()).body())
            .startsWith("{\"service\":\"relay-server\",\"status\":\"UP\"")
            .contains("\"pos-listener\":{\"status\":\"UP\"",
                "\"results-reader\":{\"status\":\"UP\"", "\"sessions-reader\":{\"status\":\"UP\"",
                "\"delivery-events-reader\":{\"status\":\"UP\"");
        HttpResponse<String> live = HealthProbe.live(relay.managementPort());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).contains("\"pos-event-loops\":{\"status\":\"UP\"");
      }

      HttpResponse<String> admin = HealthProbe.ready(stack.admin.managementPort());
      assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
      assertThat(admin.body()).startsWith("{\"service\":\"admin-api\",\"status\":\"UP\"")
          .contains("\"ledger\":{\"status\":\"UP\",\"detail\":\"RUNNING\"}",
              "\"grpc\":{\"status\":\"UP\"");
      assertThat(HealthProbe.live(stack.admin.managementPort()).body())
          .contains("\"grpc-executor\":{\"status\":\"UP\"", "\"ledger-streams\":{\"status\":\"UP\"");
    }
  }
}
