package io.posrelay.testkit.ilk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.posrelay.testkit.cluster.LocalEndpoints;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How the simulator's HTTP client uses, drops and releases its connections. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IlkSimulatorConnectionTest {
  private static final byte[] MALFORMED = "{\"resultId\":\"r".getBytes(StandardCharsets.UTF_8);
  private final ObjectMapper mapper = new ObjectMapper();
  /** The client's address and port of every request the webhook got. */
  private final Set<InetSocketAddress> clientConnections = ConcurrentHashMap.newKeySet();
  private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
  private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void stopServers() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void keepAlive_reusesConnections_atMostMaxInFlightOfThem() throws Exception {
    HttpServer webhook = webhook(false);
    IlkSimulatorConfig config = config(webhook, "http").ratePerSecond(1000).count(40)
        .maxInFlight(2).build();

    IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

    assertThat(stats.accepted()).isEqualTo(40);
    assertThat(stats.errors()).isZero();
    assertThat(clientConnections).hasSizeBetween(1, 2);
    assertThat(hostHeaders).hasSize(40)
        .allSatisfy(h -> assertThat(h).isEqualTo("127.0.0.1:" + webhook.getAddress().getPort()));
  }

  @Test
  void serverClosingAfterEachResponse_everyRequestSucceeds_eachOnANewConnection()
      throws Exception {
    HttpServer webhook = webhook(true);
    IlkSimulatorConfig config = config(webhook, "http").ratePerSecond(500).count(20)
        .maxInFlight(2).build();
    List<AcceptedResult> accepted = new CopyOnWriteArrayList<>();

    IlkSimStats stats = new IlkSimulator(config, accepted::add).run();

    assertThat(stats.sent()).isEqualTo(20);
    assertThat(stats.accepted()).isEqualTo(20);
    assertThat(stats.errors()).isZero();
    assertThat(clientConnections).hasSize(20);
    assertThat(accepted).allSatisfy(
        a -> assertThat(a.resultId()).isEqualTo("id-" + a.callback().transactionId()));
  }

  @Test
  void serverThatNeverAnswers_requestsTimeOut_areCountedAsErrors_andTheRunEnds()
      throws Exception {
    // Never accepted: the kernel completes the handshakes and takes the requests, nobody answers.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      IlkSimulatorConfig config = IlkSimulatorConfig.builder()
          .url(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/ilk/v1/results"))
          .ratePerSecond(100).count(3).maxInFlight(3).requestTimeout(Duration.ofMillis(300))
          .build();
      long start = System.nanoTime();

      IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(stats.sent()).isEqualTo(3);
      assertThat(stats.errors()).isEqualTo(3);
      assertThat(stats.accepted()).isZero();
      // Ended by the timeouts, not by drain()'s bound (request timeout + 5 s).
      assertThat(elapsedMillis).isBetween(300L, 3_000L);
    }
  }

  @Test
  void answers_areCountedByStatus_andA2xxWithoutAResultIdIsAnError() throws Exception {
    List<Integer> statuses = List.of(400, 500, 202, 429, 202, 202, 500);
    List<byte[]> bodies = List.of(bytes("{\"error\":\"bad\"}"), bytes(""),
        bytes("{\"status\":\"ACCEPTED\"}"), bytes("{}"), MALFORMED,
        bytes("{\"status\":\"ACCEPTED\",\"resultId\":\"r-6\"}"), bytes("{}"));
    AtomicInteger call = new AtomicInteger();
    HttpServer webhook = start(HttpServer.create(loopback(), 0), exchange -> {
      exchange.getRequestBody().readAllBytes();
      int i = call.getAndIncrement();
      respond(exchange, statuses.get(i), bodies.get(i));
    });
    IlkSimulatorConfig config = config(webhook, "http").ratePerSecond(200).count(7)
        .maxInFlight(1).build();
    List<String> resultIds = new CopyOnWriteArrayList<>();

    IlkSimStats stats = new IlkSimulator(config, a -> resultIds.add(a.resultId())).run();

    assertThat(stats.sent()).isEqualTo(7);
    assertThat(stats.rejectedByStatus()).isEqualTo(Map.of(400, 1L, 500, 2L, 429, 1L));
    assertThat(stats.errors()).isEqualTo(2);
    assertThat(stats.accepted()).isEqualTo(1);
    assertThat(resultIds).containsExactly("r-6");
  }

  @Test
  void aResponseOverTheBound_failsItsRequest_andTheNextGoesOnANewConnection() throws Exception {
    String padding = "x".repeat(IlkSimClient.MAX_RESPONSE_BYTES);
    AtomicInteger call = new AtomicInteger();
    HttpServer webhook = start(HttpServer.create(loopback(), 0), exchange -> {
      exchange.getRequestBody().readAllBytes();
      String pad = call.getAndIncrement() == 0 ? padding : "";
      respond(exchange, 202, bytes("{\"resultId\":\"r\",\"pad\":\"" + pad + "\"}"));
    });
    IlkSimulatorConfig config = config(webhook, "http").ratePerSecond(200).count(2)
        .maxInFlight(1).build();

    IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

    assertThat(stats.errors()).isEqualTo(1);
    assertThat(stats.accepted()).isEqualTo(1);
    assertThat(clientConnections).hasSize(2);
  }

  @Test
  void httpsUrl_whoseHostTheCertificateDoesNotName_failsEveryRequest() throws Exception {
    X509Bundle ca = new CertificateBuilder().subject("CN=test CA").setIsCertificateAuthority(true)
        .buildSelfSigned();
    X509Bundle server = new CertificateBuilder().subject("CN=elsewhere")
        .addSanDnsName("elsewhere.example").buildIssuedBy(ca);
    Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.getCertificatePEM());
    HttpsServer https = HttpsServer.create(loopback(), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(((JdkSslContext) SslContextBuilder
        .forServer(server.toKeyManagerFactory()).sslProvider(SslProvider.JDK).build()).context()));
    AtomicInteger requests = new AtomicInteger();
    start(https, exchange -> {
      requests.incrementAndGet();
      respond(exchange, 202, bytes("{\"resultId\":\"r\"}"));
    });
    IlkSimulatorConfig config = config(https, "https").ratePerSecond(200).count(2)
        .tlsCaFile(caFile).build();

    IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

    assertThat(stats.errors()).isEqualTo(2);
    assertThat(requests).hasValue(0);
  }

  @Test
  void afterRun_noIoThreadIsLeft_runAfterRun() throws Exception {
    HttpServer webhook = webhook(false);
    IlkSimulatorConfig config = config(webhook, "http").ratePerSecond(500).count(5).build();

    for (int run = 0; run < 3; run++) {
      assertThat(new IlkSimulator(config, a -> { }).run().accepted()).isEqualTo(5);
    }

    // The group has terminated when run() returns; its thread exits a moment later.
    await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith(IlkSimClient.THREAD_NAME)));
  }

  private IlkSimulatorConfig.Builder config(HttpServer server, String scheme) {
    return IlkSimulatorConfig.builder().runId("c").url(URI.create(scheme + "://127.0.0.1:"
        + server.getAddress().getPort() + LocalEndpoints.WEBHOOK_PATH));
  }

  /** Accepts every callback with {@code id-<transactionId>}, closing after each if asked. */
  private HttpServer webhook(boolean closeEachConnection) throws IOException {
    return start(HttpServer.create(loopback(), 0), exchange -> {
      String transactionId =
          mapper.readTree(exchange.getRequestBody().readAllBytes()).get("transactionId").asText();
      if (closeEachConnection) {
        exchange.getResponseHeaders().set("Connection", "close");
      }
      respond(exchange, 202, bytes("{\"resultId\":\"id-" + transactionId + "\"}"));
    });
  }

  private HttpServer start(HttpServer server, Handler handler) {
    server.createContext(LocalEndpoints.WEBHOOK_PATH, exchange -> {
      clientConnections.add(exchange.getRemoteAddress());
      hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
      handler.handle(exchange);
    });
    server.start();
    servers.add(server);
    return server;
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static InetSocketAddress loopback() throws IOException {
    return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
