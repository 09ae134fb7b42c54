package io.posrelay.ingest;

import io.posrelay.ilk.v1.IlkSignatures;
import static io.posrelay.ingest.signature.CallbackSignatureVerifierTest.CURRENT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import io.posrelay.runtime.log.LogFormat;
import io.posrelay.runtime.log.LogFormats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Every log line ilk-ingest writes, at every level, while it is fed card numbers (PANs) and its
 * signing secret in every place a client can put them: none of them may appear, in the message,
 * the MDC fields or the exception, nor in the line as {@code log-format=text} or {@code json}
 * writes it.
 */
class NoPanOrSecretInLogsTest {

  private static final String PAN = "4111111111111111";
  private static final List<String> FORBIDDEN = List.of(PAN, "4111 1111 1111 1111",
      "4111-1111-1111-1111", "4111.1111.1111.1111", "5361480000000014", CURRENT);

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  /** Each event also as both console formats write it, rendered on the logging thread. */
  private final List<String> rendered = Collections.synchronizedList(new ArrayList<>());
  private final Encoder<ILoggingEvent> json = LogFormats.encoder(root.getLoggerContext(),
      LogFormat.JSON);
  private final Encoder<ILoggingEvent> text = LogFormats.encoder(root.getLoggerContext(),
      LogFormat.TEXT);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      rendered.add(new String(json.encode(event), UTF_8));
      rendered.add(new String(text.encode(event), UTF_8));
      super.append(event);
    }
  };
  private Level rootLevel;
  private IlkIngestServer server;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void captureEveryLogLine() {
    rootLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    root.detachAppender(appender);
    root.setLevel(rootLevel);
  }

  private int post(String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/ilk/v1/results"))
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private int postSigned(String body) throws Exception {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    return post(body, Map.of(IlkSignatures.TIMESTAMP_HEADER, timestamp,
        IlkSignatures.SIGNATURE_HEADER,
        IlkSignatures.sign(CURRENT.getBytes(UTF_8), timestamp, body.getBytes(UTF_8))));
  }

  private static String callback(String transactionId, String terminalId, String card) {
    return "{\"transactionId\":\"" + transactionId + "\",\"terminalId\":\"" + terminalId
        + "\",\"resultCode\":\"0000\",\"amount\":1000,\"cardNumberMasked\":\"" + card
        + "\",\"resultMessage\":\"card " + PAN + "\"}";
  }

  @Test
  void neitherAPanNorTheSecret_everReachesALogLine() throws Exception {
    server = IlkIngestServer.start(IlkIngestServerTest.localConfig()
        .set(IngestKeys.ILK_SECRETS, Optional.of(CURRENT)).build(), FakeKafka.acking());
    assertThat(server.readyLine()).contains("signatures checked, 1 secret(s)");

    // PANs where the card number goes: 400, never stored.
    for (String pan : List.of(PAN, "4111 1111 1111 1111", "4111-1111-1111-1111",
        "4111.1111.1111.1111")) {
      assertThat(postSigned(callback("TX-1", "CAT-1", pan))).as(pan).isEqualTo(400);
    }
    assertThat(postSigned("{\"cardNumberMasked\": " + PAN + "x}")).isEqualTo(400);
    // PANs in the ids that ilk-ingest does log: stored, logged redacted.
    assertThat(postSigned(callback(PAN, "CAT-1", "411111******1111"))).isEqualTo(202);
    assertThat(postSigned(callback("TX-2", "5361480000000014", "536148******0012")))
        .isEqualTo(202);
    // The secret where a confused or hostile client might put it: 401.
    assertThat(post(callback("TX-3", "CAT-1", "411111******1111"),
        Map.of(IlkSignatures.SIGNATURE_HEADER, "v1=" + CURRENT,
            IlkSignatures.TIMESTAMP_HEADER, CURRENT, "Authorization", "Bearer " + CURRENT)))
        .isEqualTo(401);
    assertThat(post("{\"secret\":\"" + CURRENT + "\"}", Map.of())).isEqualTo(401);
    assertThat(post(callback("TX-4", "CAT-1", PAN), Map.of(IlkSignatures.TIMESTAMP_HEADER,
        "1", IlkSignatures.SIGNATURE_HEADER, "v1=" + "0".repeat(64)))).isEqualTo(401);
    server.close();

    List<String> lines = logLines();
    assertThat(lines).anyMatch(line -> line.contains("stored result_id="))
        .anyMatch(line -> line.contains("transaction_id=411111******1111"))
        .anyMatch(line -> line.contains("ilk-ingest listening"));
    for (String line : lines) {
      for (String forbidden : FORBIDDEN) {
        assertThat(line).as("a log line").doesNotContain(forbidden);
      }
    }
    List<String> formatted = List.copyOf(rendered);
    assertThat(formatted).as("the stored line in JSON, its MDC fields redacted")
        .anyMatch(line -> line.startsWith("{") && line.contains("\"message\":\"stored result_id=")
            && line.contains("\"transaction_id\":\"411111******1111\""));
    for (String line : formatted) {
      for (String forbidden : FORBIDDEN) {
        assertThat(line).as("a log line as log-format=text|json writes it")
            .doesNotContain(forbidden);
      }
    }
  }

  private List<String> logLines() {
    List<String> lines = new ArrayList<>();
    synchronized (appender) {
      for (ILoggingEvent event : appender.list) {
        StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
            .append(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
          line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        lines.add(line.toString());
      }
    }
    return lines;
  }
}
