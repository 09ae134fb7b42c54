package io.posrelay.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.http.EmbeddedIngest.Response;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

public class ResultsHandlerTest {

  public static final String VALID = "{\"transactionId\":\"TX-1\",\"terminalId\":\"CAT-1\","
      + "\"resultCode\":\"0000\",\"amount\":1000,\"cardNumberMasked\":\"123456******1234\"}";

  private EmbeddedIngest ingest = new EmbeddedIngest();

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  @Test
  void validCallback_isAnswered202_onlyAfterTheBrokerAcked() {
    ingest.send(EmbeddedIngest.postJson(VALID));

    assertThat(ingest.responses()).isEmpty();
    assertThat(ingest.producer.history()).hasSize(1);

    ingest.producer.completeNext();

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(202);
    assertThat(response.contentType()).isEqualTo("application/json");
    assertThat(response.body())
        .isEqualTo("{\"resultId\":\"" + IlkResultIds.resultIdOf("TX-1") + "\"}");
    assertThat(ingest.count(Outcome.ACCEPTED)).isEqualTo(1);
  }

  @Test
  void publishedRecord_isKeyedByTerminalId_onTheResultsTopic() {
    ingest.send(EmbeddedIngest.postJson(VALID));

    ProducerRecord<String, PaymentResult> record = ingest.producer.history().get(0);
    assertThat(record.topic()).isEqualTo("posrelay.results");
    assertThat(record.key()).isEqualTo("CAT-1");
    assertThat(record.value().getResultId()).isEqualTo(IlkResultIds.resultIdOf("TX-1"));
    assertThat(record.value().getAttempt()).isEqualTo(1);
    assertThat(record.value().getReceivedAt().getSeconds())
        .isEqualTo(EmbeddedIngest.NOW.getEpochSecond());
  }

  @Test
  void brokerError_isAnswered503WithRetryAfter() {
    ingest.send(EmbeddedIngest.postJson(VALID));

    ingest.producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.retryAfter()).isEqualTo("5");
    assertThat(response.body()).contains("\"error\":\"unavailable\"");
    assertThat(ingest.count(Outcome.UNAVAILABLE)).isEqualTo(1);
    assertThat(ingest.count(Outcome.ACCEPTED)).isZero();
  }

  @Test
  void noAckWithinPublishTimeout_isAnswered503_andALateAckChangesNothing() {
    ingest.send(EmbeddedIngest.postJson(VALID));

    ingest.channel.advanceTimeBy(4999, TimeUnit.MILLISECONDS);
    ingest.channel.runScheduledPendingTasks();
    assertThat(ingest.responses()).isEmpty();

    ingest.channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ingest.channel.runScheduledPendingTasks();
    assertThat(ingest.response().status()).isEqualTo(503);

    ingest.producer.completeNext();
    assertThat(ingest.responses()).isEmpty();
    assertThat(ingest.publisher.inFlight()).isZero();
    assertThat(ingest.count(Outcome.ACCEPTED)).isZero();
  }

  @Test
  void invalidField_isAnswered400NamingTheField_andNothingIsPublished() {
    ingest.send(EmbeddedIngest.postJson(VALID.replace("\"CAT-1\"", "\"CAT 1\"")));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("\"error\":\"invalid_field\"", "\"field\":\"terminalId\"");
    assertThat(ingest.producer.history()).isEmpty();
    assertThat(ingest.count(Outcome.INVALID)).isEqualTo(1);
  }

  @Test
  void fullPan_isAnswered400_andNeverPublishedOrEchoed() {
    ingest.send(EmbeddedIngest.postJson(VALID.replace("123456******1234", "4111111111111111")));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("\"field\":\"cardNumberMasked\"").doesNotContain("4111");
    assertThat(ingest.producer.history()).isEmpty();
  }

  @Test
  void malformedJson_isAnswered400MalformedJson() {
    ingest.send(EmbeddedIngest.postJson("{\"transactionId\":"));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(400);
    assertThat(response.body()).contains("\"error\":\"malformed_json\"");
  }

  @Test
  void tooManyInFlight_isAnswered503Overloaded_withoutPublishing() {
    ingest.close();
    ingest = new EmbeddedIngest(
        EmbeddedIngest.config().set(IngestKeys.MAX_IN_FLIGHT_PUBLISHES, 1).build());
    // Another connection's result holds the only in-flight slot.
    ingest.publisher.publish(PaymentResult.newBuilder().setTerminalId("CAT-0").build());

    ingest.send(EmbeddedIngest.postJson(VALID));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.retryAfter()).isEqualTo("1");
    assertThat(ingest.count(Outcome.OVERLOADED)).isEqualTo(1);
    assertThat(ingest.producer.history()).hasSize(1);
  }

  @Test
  void afterStopAccepting_callbacksGet503AndConnectionClose() {
    ingest.publisher.stopAccepting();

    ingest.send(EmbeddedIngest.postJson(VALID));

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(503);
    assertThat(response.connection()).isEqualTo("close");
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void keepAlive_serialRequestsOnOneConnection_areEachAnswered() {
    for (int i = 0; i < 3; i++) {
      ingest.send(EmbeddedIngest.postJson(VALID.replace("TX-1", "TX-" + i)));
      ingest.producer.completeNext();
      assertThat(ingest.response().status()).isEqualTo(202);
    }
    assertThat(ingest.channel.isOpen()).isTrue();
  }

  @Test
  void pipelinedRequests_areAnsweredInOrder_oneAckAtATime() {
    ingest.send(EmbeddedIngest.postJson(VALID.replace("TX-1", "TX-A"))
        + EmbeddedIngest.request("GET", "/nope", Map.of(), "")
        + EmbeddedIngest.postJson(VALID.replace("TX-1", "TX-B")));

    assertThat(ingest.producer.history()).hasSize(1);
    assertThat(ingest.responses()).isEmpty();

    ingest.producer.completeNext();
    ingest.channel.runPendingTasks();
    assertThat(ingest.producer.history()).hasSize(2);
    ingest.producer.completeNext();

    List<Response> responses = ingest.responses();
    assertThat(responses).extracting(Response::status).containsExactly(202, 404, 202);
    assertThat(responses.get(0).body()).contains(IlkResultIds.resultIdOf("TX-A"));
    assertThat(responses.get(2).body()).contains(IlkResultIds.resultIdOf("TX-B"));
  }

  @Test
  void publishTimeout_isTheConfiguredOne() {
    ingest.close();
    ingest = new EmbeddedIngest(
        EmbeddedIngest.config().set(IngestKeys.PUBLISH_TIMEOUT, Duration.ofMillis(300)).build());
    ingest.send(EmbeddedIngest.postJson(VALID));

    ingest.channel.advanceTimeBy(300, TimeUnit.MILLISECONDS);
    ingest.channel.runScheduledPendingTasks();

    assertThat(ingest.response().status()).isEqualTo(503);
  }
}
