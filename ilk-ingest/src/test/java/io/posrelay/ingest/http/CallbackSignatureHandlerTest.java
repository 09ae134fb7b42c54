package io.posrelay.ingest.http;

import static io.posrelay.ingest.signature.CallbackSignatureVerifierTest.CURRENT;
import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaders;
import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.http.EmbeddedIngest.Response;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import io.posrelay.ingest.signature.CallbackSignatureVerifierTest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The whole pipeline with signatures checked. */
class CallbackSignatureHandlerTest {

  private final EmbeddedIngest ingest = new EmbeddedIngest(EmbeddedIngest.config()
      .set(IngestKeys.ILK_SECRETS, Optional.of(CURRENT)).build());

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  private static String post(String body, Map<String, String> extraHeaders) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json");
    headers.putAll(extraHeaders);
    return EmbeddedIngest.request("POST", "/ilk/v1/results", headers, body);
  }

  private static Map<String, String> signature(String secret, String body) {
    HttpHeaders signed = CallbackSignatureVerifierTest.signed(secret,
        EmbeddedIngest.NOW.getEpochSecond(), body);
    Map<String, String> headers = new LinkedHashMap<>();
    signed.forEach(e -> headers.put(e.getKey(), e.getValue()));
    return headers;
  }

  @Test
  void signedCallback_isAccepted() {
    ingest.send(post(VALID, signature(CURRENT, VALID)));
    ingest.producer.completeNext();

    assertThat(ingest.response().status()).isEqualTo(202);
    assertThat(ingest.count(Outcome.ACCEPTED)).isEqualTo(1);
  }

  @Test
  void unsignedCallback_is401WithAJsonError_countedAndNotPublished() {
    ingest.send(post(VALID, Map.of()));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.body()).isEqualTo("{\"error\":\"unauthenticated\","
        + "\"field\":\"X-ILK-Signature\","
        + "\"message\":\"X-ILK-Signature is missing: callbacks must be signed\"}");
    assertThat(ingest.count(Outcome.UNAUTHENTICATED)).isEqualTo(1);
    assertThat(ingest.producer.history()).isEmpty();
    assertThat(ingest.channel.isOpen()).isTrue();
  }

  @Test
  void unsignedGarbage_is401_beforeAnyParsing() {
    ingest.send(post("{not json", Map.of()));

    assertThat(ingest.response().status()).isEqualTo(401);
    assertThat(ingest.count(Outcome.INVALID)).isZero();
  }

  @Test
  void signedGarbage_passesTheCheck_andThenIs400() {
    ingest.send(post("{not json", signature(CURRENT, "{not json")));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("malformed_json");
  }

  @Test
  void tamperedBody_is401() {
    String tampered = VALID.replace("1000", "1");
    ingest.send(post(tampered, signature(CURRENT, VALID)));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(401);
    assertThat(response.body()).contains("\"field\":\"X-ILK-Signature\"");
  }

  @Test
  void rejections_areInTheMetrics() {
    ingest.send(post(VALID, Map.of()));
    ingest.responses();

    assertThat(ingest.registry.scrape())
        .contains("posrelay_ingest_requests_total{outcome=\"unauthenticated\"} 1.0");
  }

  @Test
  void connectionStaysUsable_afterA401() {
    ingest.send(post(VALID, Map.of()) + post(VALID, signature(CURRENT, VALID)));
    ingest.producer.completeNext();

    assertThat(ingest.responses()).extracting(Response::status).containsExactly(401, 202);
  }

  @Test
  void withoutSecrets_unsignedCallbacksAreAccepted() {
    try (EmbeddedIngest open = new EmbeddedIngest()) {
      open.send(post(VALID, Map.of()));
      open.producer.completeNext();

      assertThat(open.response().status()).isEqualTo(202);
    }
  }
}
