package io.posrelay.ingest.http;

import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.http.EmbeddedIngest.Response;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IngestRouteHandlerTest {

  private final EmbeddedIngest ingest = new EmbeddedIngest();

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  @Test
  void unknownPath_is404() {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v2/results",
        Map.of("Content-Type", "application/json"), VALID));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).contains("\"error\":\"not_found\"");
    assertThat(ingest.count(Outcome.NOT_FOUND)).isEqualTo(1);
    assertThat(ingest.producer.history()).isEmpty();
  }

  @Test
  void getOnResults_is405AllowPost() {
    ingest.send(EmbeddedIngest.request("GET", "/ilk/v1/results", Map.of(), ""));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(405);
    assertThat(response.allow()).isEqualTo("POST");
    assertThat(ingest.count(Outcome.METHOD_NOT_ALLOWED)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST"})
  void metrics_areNotServedOnTheWebhookPort_but404(String method) {
    ingest.send(EmbeddedIngest.request(method, "/metrics", Map.of(), ""));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(404);
    assertThat(response.body()).contains("\"error\":\"not_found\"")
        .doesNotContain("posrelay_ingest");
    assertThat(ingest.count(Outcome.NOT_FOUND)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded",
      "application/json; charset=iso-8859-1", "application/jsonp"})
  void nonJsonContentType_is415(String contentType) {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results",
        Map.of("Content-Type", contentType), VALID));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(415);
    assertThat(response.body()).contains("\"error\":\"unsupported_media_type\"");
    assertThat(ingest.count(Outcome.UNSUPPORTED_MEDIA_TYPE)).isEqualTo(1);
  }

  @Test
  void missingContentType_is415() {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results", Map.of(), VALID));

    assertThat(ingest.response().status()).isEqualTo(415);
  }

  @ParameterizedTest
  @ValueSource(strings = {"application/json; charset=utf-8", "Application/JSON",
      "application/json;charset=\"UTF-8\""})
  void jsonContentTypeVariants_areAccepted(String contentType) {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results?source=ilk",
        Map.of("Content-Type", contentType), VALID));
    ingest.producer.completeNext();

    assertThat(ingest.response().status()).isEqualTo(202);
  }

  @Test
  void bodyOverLimit_is413_theBodyIsSkipped_andTheConnectionStaysUsable() {
    String big = VALID + " ".repeat(70 * 1024);

    ingest.send(EmbeddedIngest.postJson(big) + EmbeddedIngest.postJson(VALID));
    ingest.producer.completeNext();

    assertThat(ingest.responses()).extracting(Response::status).containsExactly(413, 202);
    assertThat(ingest.count(Outcome.TOO_LARGE)).isEqualTo(1);
    assertThat(ingest.producer.history()).hasSize(1);
  }

  @Test
  void bodyOverLimit_answers413WithJsonError() {
    ingest.send(EmbeddedIngest.postJson(VALID + " ".repeat(70 * 1024)));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(413);
    assertThat(response.body()).contains("\"error\":\"too_large\"", "65536");
  }

  @Test
  void oversizeWithConnectionClose_is413_andTheConnectionIsClosed() {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results",
        Map.of("Content-Type", "application/json", "Connection", "close"),
        VALID + " ".repeat(70 * 1024)));

    assertThat(ingest.response().status()).isEqualTo(413);
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void bodyExactlyAtLimit_isNot413() {
    int limit = EmbeddedIngest.config().build().get(IngestKeys.MAX_BODY_BYTES);
    String body = VALID + " ".repeat(limit - VALID.length());
    assertThat(body.getBytes(UTF_8)).hasSize(limit).hasSize(64 * 1024);

    ingest.send(EmbeddedIngest.postJson(body));
    ingest.producer.completeNext();

    assertThat(ingest.response().status()).isEqualTo(202);
  }

  @Test
  void announcedOversizeWithExpectContinue_is413_andTheConnectionStaysUsable() {
    ingest.send("POST /ilk/v1/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");

    assertThat(ingest.response().status()).isEqualTo(413);
    assertThat(ingest.channel.isOpen()).isTrue();

    ingest.send(EmbeddedIngest.postJson(VALID));
    ingest.producer.completeNext();
    assertThat(ingest.response().status()).isEqualTo(202);
  }

  @Test
  void requests_areCounted_inThePrometheusTextOfTheRegistry() {
    ingest.send(EmbeddedIngest.request("GET", "/nope", Map.of(), ""));
    ingest.responses();

    // The management listener serves this registry's scrape (IlkIngestServerTest).
    assertThat(ingest.registry.scrape())
        .contains("posrelay_ingest_requests_total{outcome=\"not_found\"} 1.0")
        .contains("posrelay_ingest_requests_total{outcome=\"accepted\"} 0.0")
        .contains("posrelay_ingest_publish_in_flight");
  }

  @Test
  void unparseableRequest_is400_andTheConnectionIsClosed() {
    ingest.channel.writeInbound(Unpooled.copiedBuffer(
        "POST /ilk/v1/results HTTP/1.1\r\nContent-Length: nope\r\n\r\n", UTF_8));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(400);
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void http10WithoutKeepAlive_isClosedAfterTheAnswer() {
    ingest.send("POST /ilk/v1/results HTTP/1.0\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + VALID.length() + "\r\n\r\n" + VALID);
    ingest.producer.completeNext();

    assertThat(ingest.response().status()).isEqualTo(202);
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void connectionClose_isHonouredAfterTheAnswer() {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results",
        Map.of("Content-Type", "application/json", "Connection", "close"), VALID));
    ingest.producer.completeNext();

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(202);
    assertThat(response.connection()).isEqualTo("close");
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void idleConnection_isClosedAfterIdleTimeout() {
    ingest.channel.advanceTimeBy(29, TimeUnit.SECONDS);
    ingest.channel.runScheduledPendingTasks();
    assertThat(ingest.channel.isOpen()).isTrue();

    ingest.channel.advanceTimeBy(2, TimeUnit.SECONDS);
    ingest.channel.runScheduledPendingTasks();
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void tooLongRequestLine_is414_namingTheLimit_andTheConnectionIsClosed() {
    ingest.send(EmbeddedIngest.request("GET", "/metrics?" + "q".repeat(5000), Map.of(), ""));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(414);
    assertThat(response.body()).isEqualTo("{\"error\":\"uri_too_long\","
        + "\"message\":\"request line is longer than 4096 bytes\"}");
    assertThat(ingest.count(Outcome.URI_TOO_LONG)).isEqualTo(1);
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void tooLargeHeaders_are431_namingTheLimit_andTheConnectionIsClosed() {
    ingest.send(EmbeddedIngest.request("POST", "/ilk/v1/results",
        Map.of("Content-Type", "application/json", "X-Padding", "p".repeat(9000)), VALID));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(431);
    assertThat(response.body()).isEqualTo("{\"error\":\"headers_too_large\","
        + "\"message\":\"request headers are larger than 8192 bytes\"}");
    assertThat(ingest.count(Outcome.HEADERS_TOO_LARGE)).isEqualTo(1);
    assertThat(ingest.channel.isOpen()).isFalse();
    assertThat(ingest.producer.history()).isEmpty();
  }

  @Test
  void chunkedBody_isAggregatedAndAccepted() {
    String half1 = VALID.substring(0, 20);
    String half2 = VALID.substring(20);
    ingest.send("POST /ilk/v1/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
        + Integer.toHexString(half1.length()) + "\r\n" + half1 + "\r\n"
        + Integer.toHexString(half2.length()) + "\r\n" + half2 + "\r\n0\r\n\r\n");
    ingest.producer.completeNext();

    assertThat(ingest.response().status()).isEqualTo(202);
  }
}
