package io.posrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The management listener ({@code /metrics}) runs on its own JDK HTTP server threads, never on
 * the webhook's Netty event loops (issue 12: nothing blocks what it must not; a slow scrape never
 * delays a callback, and a busy event loop never delays a scrape).
 */
class ManagementThreadTest {
  private IlkIngestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void metrics_areServedByTheManagementThreads_notAWebhookEventLoop() throws Exception {
    server = IlkIngestServer.start(IlkIngestServerTest.localConfig().build(), FakeKafka.acking());
    AtomicReference<Thread> scrapedOn = new AtomicReference<>();
    Gauge.builder("test.scrape.thread", () -> {
      scrapedOn.set(Thread.currentThread());
      return 1;
    }).register(server.meterRegistry());

    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(scrapedOn.get()).isNotNull().isNotInstanceOf(FastThreadLocalThread.class);
    assertThat(scrapedOn.get().getName()).startsWith("posrelay-ilk-ingest-management-");
  }
}
