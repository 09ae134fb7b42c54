package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.ilk.v1.IlkSignatures;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.log.LogFormat;
import io.posrelay.runtime.log.LogFormats;
import io.posrelay.runtime.tls.PemTls;
import io.posrelay.testkit.secure.SecureMaterial;
import io.posrelay.v1.PaymentResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole secure flow in one JVM — ilk-ingest, a relay node and admin-api started with the
 * files {@code relayctl local --secure} creates, TLS on every listener — fed card numbers and
 * forged credentials, while every log line of every component (io.posrelay at TRACE, libraries
 * at INFO) is captured. No line may contain a full card number, a secret, a terminal or operator
 * token, or a signature, whether the input was accepted or refused: not its message, MDC fields
 * or exception, nor the line as either console format writes it ({@code log-format=text} and
 * {@code json}, rendered on the logging thread as the services' appenders would).
 */
@ExtendWith(SharedKafka.class)
class NoPanOrSecretInAnyLogTest {
  /** A test PAN (Visa test range, Luhn-valid), as an id ILK might wrongly send. */
  private static final String PAN = "4111111111111111";
  private static final String PAN_SPACED = "4111 1111 1111 1111";
  private static final String PAN_DASHED = "5500-0000-0000-0004";

  @TempDir Path dir;

  @Test
  void secureFlowWithCardNumbersAndForgedCredentials_logsNoneOfThem(KafkaCluster kafka)
      throws Exception {
    SecureMaterial secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    String ilkSecret = SecureMaterial.currentSecret(secure.ilkSecretFile());
    String terminalSecret = SecureMaterial.currentSecret(secure.terminalSecretFile());
    String operatorToken = SecureMaterial.currentSecret(secure.operatorTokenFile());
    String tid = "LOGSCAN-" + Long.toString(System.nanoTime(), 36);
    String terminalToken =
        TerminalTokens.issue(terminalSecret.getBytes(StandardCharsets.UTF_8), tid);
    String forgedTerminalToken = TerminalTokens.issue(
        "not-the-deployment-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8), tid);
    String forgedOperatorToken = "forged-operator-token-0123456789abcdefghij";
    List<String> signatures = new ArrayList<>();

    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    // Every event is also rendered as it is logged, on the logging thread (whose MDC it carries),
    // in both console formats a service can run with: log-format=json and text.
    Encoder<ILoggingEvent> json = LogFormats.encoder(logback, LogFormat.JSON);
    Encoder<ILoggingEvent> text = LogFormats.encoder(logback, LogFormat.TEXT);
    List<String> jsonLines = Collections.synchronizedList(new ArrayList<>());
    List<String> textLines = Collections.synchronizedList(new ArrayList<>());
    ListAppender<ILoggingEvent> captured = new ListAppender<>() {
      @Override
      protected void append(ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        jsonLines.add(new String(json.encode(event), StandardCharsets.UTF_8));
        textLines.add(new String(text.encode(event), StandardCharsets.UTF_8));
        super.append(event);
      }
    };
    Logger root = logback.getLogger(Logger.ROOT_LOGGER_NAME);
    Logger ours = logback.getLogger("io.posrelay");
    Level rootLevel = root.getLevel();
    Level oursLevel = ours.getLevel();
    captured.setContext(logback);
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.INFO);
    ours.setLevel(Level.TRACE);
    List<AutoCloseable> started = new ArrayList<>();
    try {
      String applicationId = "it-logscan-" + UUID.randomUUID();
      LedgerHistory.skip(kafka, applicationId);
      AdminServer admin = PosRelayStack.startAdmin(withTls(TestConfigs.admin(
              kafka.bootstrapServers(), applicationId, dir.resolve("admin-state")), secure)
          .set(AdminKeys.OPERATOR_TOKEN_FILE, Optional.of(secure.operatorTokenFile()))
          .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(secure.caCertFile()))
          .build());
      started.add(admin);
      RelayServer relay = RelayServer.start(withTls(
              TestConfigs.relay(kafka.bootstrapServers(), "it-logscan-relay"), secure)
          .set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + admin.port())
          .set(RelayKeys.ADMIN_TOKEN_FILE, Optional.of(secure.operatorTokenFile()))
          .set(RelayKeys.ADMIN_TLS_CA_FILE, Optional.of(secure.caCertFile()))
          .set(RelayKeys.TERMINAL_SECRET_FILE, Optional.of(secure.terminalSecretFile()))
          .build());
      started.add(relay);
      IlkIngestServer ingest = IlkIngestServer.start(
          withTls(TestConfigs.ingest(kafka.bootstrapServers()), secure)
              .set(IngestKeys.ILK_SECRET_FILE, Optional.of(secure.ilkSecretFile()))
              .build());
      started.add(ingest);
      SSLContext trust = PemTls.jdkClient(secure.caCertFile(), "ca-file");
      HttpClient https = HttpClient.newBuilder().sslContext(trust)
          .connectTimeout(Duration.ofSeconds(10)).build();
      URI webhook = URI.create("https://127.0.0.1:" + ingest.port() + "/ilk/v1/results");

      // A Hello with a forged token is refused; the terminal's own token gets a session.
      try (SSLSocket forged = tls(trust, relay.port())) {
        send(forged, hello(tid, forgedTerminalToken));
        assertThat(PosFrame.parseDelimitedFrom(forged.getInputStream()).getError().getCode())
            .isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
      }
      try (SSLSocket terminal = tls(trust, relay.port())) {
        send(terminal, hello(tid, terminalToken));
        assertThat(PosFrame.parseDelimitedFrom(terminal.getInputStream()).hasWelcome()).isTrue();

        // Refused callbacks: unsigned, signed with another secret, a full PAN as the card.
        String tx = PAN; // a transaction id that is a valid card number: accepted, never logged
        String body = Webhook.approval(tx, tid, 4_400);
        assertThat(post(https, webhook, body, null, signatures).statusCode()).isEqualTo(401);
        assertThat(post(https, webhook, body,
            "another-ilk-secret-0123456789abcdefghij", signatures).statusCode()).isEqualTo(401);
        for (String card : List.of(PAN, PAN_SPACED, PAN_DASHED)) {
          String withPan = Webhook.approval(Webhook.newTransactionId(), tid, 100)
              .replace("123456******1234", card);
          HttpResponse<String> refused = post(https, webhook, withPan, ilkSecret, signatures);
          assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
          assertThat(refused.body()).contains("cardNumberMasked").doesNotContain(card);
        }

        // The signed one is delivered over TLS and acked.
        HttpResponse<String> accepted = post(https, webhook, body, ilkSecret, signatures);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        PaymentResult result = PosFrame.parseDelimitedFrom(terminal.getInputStream())
            .getPaymentResult();
        assertThat(result.getTransactionId()).isEqualTo(tx);
        send(terminal, PosFrame.newBuilder()
            .setAck(Ack.newBuilder().setResultId(result.getResultId())).build());

        // Operators: no token and a forged token are refused; the token reads the ledger.
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", admin.port(),
            TlsChannelCredentials.newBuilder().trustManager(secure.caCertFile().toFile()).build())
            .build();
        started.add(0, () -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        GetDeliveryRequest get =
            GetDeliveryRequest.newBuilder().setResultId(IlkResultIds.resultIdOf(tx)).build();
        for (String token : List.of("", forgedOperatorToken)) {
          var stub = DeliveryAdminGrpc.newBlockingStub(channel)
              .withDeadlineAfter(10, TimeUnit.SECONDS);
          var call = token.isEmpty() ? stub : stub.withInterceptors(BearerToken.attach(token));
          assertThatThrownBy(() -> call.getDelivery(get))
              .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(
                  e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        }
        var operator = DeliveryAdminGrpc.newBlockingStub(channel)
            .withInterceptors(BearerToken.attach(operatorToken));
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> operator
            .withDeadlineAfter(10, TimeUnit.SECONDS).getDelivery(get).getStatus()
            == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
      }
    } finally {
      PosRelayStack.closeAll(started);
      root.detachAppender(captured);
      root.setLevel(rootLevel);
      ours.setLevel(oursLevel);
      captured.stop();
    }

    List<String> lines = new ArrayList<>();
    for (ILoggingEvent event : List.copyOf(captured.list)) {
      StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
          .append(event.getFormattedMessage());
      for (Map.Entry<String, String> mdc : event.getMDCPropertyMap().entrySet()) {
        line.append(' ').append(mdc.getKey()).append('=').append(mdc.getValue());
      }
      if (event.getThrowableProxy() != null) {
        line.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      lines.add(line.toString());
    }
    assertThat(lines).as("every component logged while it ran")
        .anyMatch(l -> l.startsWith("io.posrelay.ingest"))
        .anyMatch(l -> l.startsWith("io.posrelay.relay"))
        .anyMatch(l -> l.startsWith("io.posrelay.admin"));
    List<String> forbidden = new ArrayList<>(List.of(PAN, PAN_SPACED, PAN_DASHED,
        PAN_DASHED.replace("-", ""), ilkSecret, terminalSecret, operatorToken, terminalToken,
        forgedTerminalToken, forgedOperatorToken));
    forbidden.addAll(signatures);
    for (String secret : forbidden) {
      assertThat(lines).as("no log line contains %s…", secret.substring(0, 4))
          .noneMatch(l -> l.contains(secret));
      assertThat(List.copyOf(jsonLines)).as("no JSON log line contains %s…", secret.substring(0, 4))
          .noneMatch(l -> l.contains(secret));
      assertThat(List.copyOf(textLines)).as("no text log line contains %s…", secret.substring(0, 4))
          .noneMatch(l -> l.contains(secret));
    }
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> objects = new ArrayList<>();
    for (String line : List.copyOf(jsonLines)) {
      assertThat(line).as("one JSON object per line").endsWith("\n");
      assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
      objects.add(mapper.readTree(line));
    }
    assertThat(objects).as("JSON lines name the terminal in their MDC fields")
        .anyMatch(o -> o.path("mdc").path("terminal_id").asText().equals(tid)
            && o.path("loggerName").asText().startsWith("io.posrelay.relay"))
        .anyMatch(o -> o.path("mdc").path("terminal_id").asText().equals(tid)
            && o.path("mdc").has("result_id")
            && o.path("loggerName").asText().startsWith("io.posrelay.admin"));
    System.out.printf("log scan: %d lines from every component (also as %d JSON and %d text"
            + " lines), %d forbidden values, none found%n", lines.size(), jsonLines.size(),
        textLines.size(), forbidden.size());
  }

  private static HttpResponse<String> post(HttpClient https, URI webhook, String body,
      String secret, List<String> signatures) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(webhook)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (secret != null) {
      String timestamp = Long.toString(System.currentTimeMillis() / 1000);
      String signature = IlkSignatures.sign(secret.getBytes(StandardCharsets.UTF_8), timestamp,
          body.getBytes(StandardCharsets.UTF_8));
      signatures.add(signature);
      request.header(IlkSignatures.TIMESTAMP_HEADER, timestamp)
          .header(IlkSignatures.SIGNATURE_HEADER, signature);
    }
    return https.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static PosFrame hello(String terminalId, String token) {
    return PosFrame.newBuilder().setHello(Hello.newBuilder().setTerminalId(terminalId)
        .setMerchantId("M-" + terminalId).setAuthToken(token)).build();
  }

  private static void send(SSLSocket socket, PosFrame frame) throws Exception {
    frame.writeDelimitedTo(socket.getOutputStream());
    socket.getOutputStream().flush();
  }

  private static SSLSocket tls(SSLContext trust, int port) throws Exception {
    SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port);
    SSLParameters params = socket.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(params);
    socket.setSoTimeout(15_000);
    return socket;
  }

  /** {@code config} with TLS on its listener, from the secure directory's server files. */
  private static ServiceConfig.Builder withTls(ServiceConfig.Builder config,
      SecureMaterial secure) {
    return config
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(secure.serverCertFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(secure.serverKeyFile()));
  }
}
