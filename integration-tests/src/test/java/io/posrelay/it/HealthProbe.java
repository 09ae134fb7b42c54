package io.posrelay.it;

import io.posrelay.runtime.management.ManagementServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What an orchestrator's probe does: {@code GET} a service's {@code /health/live} or {@code
 * /health/ready} on its management port, as plain HTTP. Thread-safe.
 */
final class HealthProbe {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HealthProbe() {}

  /** {@code GET /health/ready}: 200 or 503, with the JSON body. */
  static HttpResponse<String> ready(int managementPort) throws IOException, InterruptedException {
    return get(managementPort, ManagementServer.READY_PATH);
  }

  /** {@code GET /health/live}: 200 or 503, with the JSON body. */
  static HttpResponse<String> live(int managementPort) throws IOException, InterruptedException {
    return get(managementPort, ManagementServer.LIVE_PATH);
  }

  /** The status of {@code GET /health/ready}; -1 if nothing answers (the process is gone). */
  static int readyStatus(int managementPort) throws InterruptedException {
    try {
      return ready(managementPort).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static HttpResponse<String> get(int port, String path)
      throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
