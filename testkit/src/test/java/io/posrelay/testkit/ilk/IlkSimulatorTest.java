package io.posrelay.testkit.ilk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.runtime.secrets.RotatingSecrets;
import io.posrelay.runtime.secrets.RotatingSecrets.Rule;
import io.posrelay.testkit.cluster.LocalEndpoints;
import io.posrelay.testkit.cluster.LocalPorts;
import io.posrelay.testkit.secure.SecureMaterial;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator against a fake webhook that accepts every other callback. */
class IlkSimulatorTest {
  private final ObjectMapper mapper = new ObjectMapper();
  private static final String SECRET = "ilk-sim-test-secret-0123456789abcdef";

  @TempDir static Path dir;
  private static SecureMaterial secure;
  /** Presents the server certificate {@code local --secure} makes. */
  private static SSLContext serverContext;

  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  /** Each request's X-ILK-Timestamp and X-ILK-Signature (null when absent) and raw body. */
  private final List<String[]> signatures = new CopyOnWriteArrayList<>();
  private HttpServer webhook;

  @BeforeAll
  static void certificates() throws Exception {
    secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    serverContext = ((JdkSslContext) SslContextBuilder.forServer(
        secure.serverCertFile().toFile(), secure.serverKeyFile().toFile())
        .sslProvider(SslProvider.JDK).build()).context();
  }

  @BeforeEach
  void startWebhook() throws Exception {
    webhook = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    serveEveryOther(webhook);
  }

  private void serveEveryOther(HttpServer server) {
    AtomicInteger calls = new AtomicInteger();
    server.createContext(
        LocalEndpoints.WEBHOOK_PATH,
        exchange -> {
          byte[] raw = exchange.getRequestBody().readAllBytes();
          signatures.add(new String[] {
              exchange.getRequestHeaders().getFirst(IlkSignatures.TIMESTAMP_HEADER),
              exchange.getRequestHeaders().getFirst(IlkSignatures.SIGNATURE_HEADER),
              new String(raw, StandardCharsets.UTF_8)});
          JsonNode body = mapper.readTree(raw);
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
    server.start();
  }

  @AfterEach
  void stopWebhook() {
    webhook.stop(0);
  }

  private String url(HttpServer server, String scheme) {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + LocalEndpoints.WEBHOOK_PATH;
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
  void runFromAGivenStart_sendsNoCallbackBeforeItsDueTimeOnThatSchedule() throws Exception {
    long periodNanos = 20_000_000L; // 50/s
    IlkSimulatorConfig config =
        IlkSimulatorConfig.builder()
            .url(URI.create("http://127.0.0.1:" + webhook.getAddress().getPort()
                + LocalEndpoints.WEBHOOK_PATH))
            .ratePerSecond(50)
            .count(6)
            .runId("t")
            .build();
    List<AcceptedResult> accepted = new CopyOnWriteArrayList<>();
    long start = System.nanoTime() + 300_000_000L; // its own clock would be 300 ms earlier

    IlkSimStats stats = new IlkSimulator(config, accepted::add).run(start);

    assertThat(stats.sent()).isEqualTo(6);
    assertThat(accepted).isNotEmpty().allSatisfy(a -> {
      String id = a.callback().transactionId();
      long sequence = Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
      assertThat(a.sentNanos()).isGreaterThanOrEqualTo(start + (sequence - 1) * periodNanos);
    });
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

  @Test
  void withASecret_everyCallbackIsSigned_asIlkIngestChecksIt() throws Exception {
    IlkSimulatorConfig config = IlkSimulatorConfig.builder()
        .url(URI.create(url(webhook, "http"))).ratePerSecond(200).count(4).maxInFlight(1)
        .signingSecrets(RotatingSecrets.of(Rule.HMAC_SECRET, SECRET, SECRET + "-previous")).build();
    long before = Instant.now().getEpochSecond();

    new IlkSimulator(config, a -> { }).run();

    assertThat(signatures).hasSize(4).allSatisfy(request -> {
      assertThat(Long.parseLong(request[0])).isBetween(before, Instant.now().getEpochSecond());
      // The current (first) secret, over the exact bytes sent.
      assertThat(request[1]).isEqualTo(IlkSignatures.sign(
          SECRET.getBytes(StandardCharsets.UTF_8), request[0],
          request[2].getBytes(StandardCharsets.UTF_8)));
    });
  }

  @Test
  void withoutASecret_callbacksAreUnsigned() throws Exception {
    IlkSimulatorConfig config = IlkSimulatorConfig.builder()
        .url(URI.create(url(webhook, "http"))).ratePerSecond(200).count(2).build();

    new IlkSimulator(config, a -> { }).run();

    assertThat(signatures).hasSize(2).allSatisfy(request -> assertThat(request[1]).isNull());
  }

  @Test
  void httpsUrl_withTheCaFile_isPostedOverTls() throws Exception {
    HttpsServer https = HttpsServer.create(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    serveEveryOther(https);
    try {
      IlkSimulatorConfig config = IlkSimulatorConfig.builder()
          .url(URI.create(url(https, "https"))).ratePerSecond(200).count(4).maxInFlight(1)
          .tlsCaFile(secure.caCertFile()).signingSecrets(RotatingSecrets.of(Rule.HMAC_SECRET, SECRET)).build();

      IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

      assertThat(stats.sent()).isEqualTo(4);
      assertThat(stats.accepted()).isEqualTo(2);
      assertThat(stats.rejectedByStatus()).isEqualTo(Map.of(503, 2L));
      assertThat(stats.errors()).isZero();
    } finally {
      https.stop(0);
    }
  }

  @Test
  void httpsUrl_withoutTrustingTheCa_failsEveryRequest() throws Exception {
    HttpsServer https = HttpsServer.create(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
    serveEveryOther(https);
    try {
      IlkSimulatorConfig config = IlkSimulatorConfig.builder()
          .url(URI.create(url(https, "https"))).ratePerSecond(200).count(2).build();

      IlkSimStats stats = new IlkSimulator(config, a -> { }).run();

      assertThat(stats.errors()).isEqualTo(2);
      assertThat(bodies).isEmpty();
    } finally {
      https.stop(0);
    }
  }

  @Test
  void caFile_isChecked_andOnlyForHttps() throws Exception {
    Path notPem = Files.writeString(dir.resolve("not.pem"), "nope");
    Path caFile = secure.caCertFile();

    assertThatThrownBy(() -> IlkSimulatorConfig.builder()
        .url(URI.create("http://127.0.0.1:8080/ilk/v1/results")).tlsCaFile(caFile).build())
        .hasMessage("tls-ca-file: " + caFile + " (expected: only with an https:// url)");
    assertThatThrownBy(() -> IlkSimulatorConfig.builder()
        .url(URI.create("https://127.0.0.1:8080/ilk/v1/results")).tlsCaFile(notPem).build())
        .hasMessageStartingWith("tls-ca-file: " + notPem + " (expected: PEM");
  }

  @Test
  void toBuilder_keepsEverySetting() {
    IlkSimulatorConfig config = IlkSimulatorConfig.builder()
        .url(URI.create("https://127.0.0.1:1/ilk/v1/results")).tlsCaFile(secure.caCertFile())
        .signingSecrets(RotatingSecrets.of(Rule.HMAC_SECRET, SECRET)).runId("r").seed(5).count(3).build();

    IlkSimulatorConfig copy = config.toBuilder().build();

    assertThat(copy.signingSecrets()).isPresent();
    assertThat(copy.tlsCaFile()).contains(secure.caCertFile());
    assertThat(copy.url()).isEqualTo(config.url());
    assertThat(copy.runId()).isEqualTo("r");
    assertThat(copy.seed()).isEqualTo(5);
    assertThat(copy.count()).isEqualTo(3);
  }
}
