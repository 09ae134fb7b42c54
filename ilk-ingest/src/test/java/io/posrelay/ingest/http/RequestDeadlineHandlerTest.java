package io.posrelay.ingest.http;

import static io.posrelay.ingest.http.ResultsHandlerTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.ingest.IngestKeys;
import io.posrelay.ingest.http.EmbeddedIngest.Response;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** request-deadline.ms (default 10 s) on the whole pipeline, with the channel's fake clock. */
class RequestDeadlineHandlerTest {

  private final EmbeddedIngest ingest = new EmbeddedIngest();

  @AfterEach
  void tearDown() {
    ingest.close();
  }

  private void advanceSeconds(int seconds) {
    ingest.channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
    ingest.channel.runScheduledPendingTasks();
  }

  @Test
  void clientTricklingARequest_gets408AndIsClosed_whenTheDeadlinePasses() {
    String request = EmbeddedIngest.postJson(VALID);
    // One byte every 2 s: never idle for the 30 s idle timeout, but 10 s pass for the request.
    for (int i = 0; i < 5; i++) {
      ingest.send(request.substring(i, i + 1));
      advanceSeconds(2);
      assertThat(ingest.channel.isOpen()).as("after %d s", 2 * (i + 1)).isEqualTo(i < 4);
    }

    Response response = ingest.response();
    assertThat(response.status()).isEqualTo(408);
    assertThat(response.connection()).isEqualTo("close");
    assertThat(response.body()).isEqualTo("{\"error\":\"request_timeout\","
        + "\"message\":\"request not received in full within 10000 ms\"}");
    assertThat(ingest.count(Outcome.REQUEST_TIMEOUT)).isEqualTo(1);
    assertThat(ingest.producer.history()).isEmpty();
  }

  @Test
  void slowBody_afterFastHeaders_isAlsoCut() {
    String request = EmbeddedIngest.postJson(VALID);
    int headerEnd = request.indexOf("\r\n\r\n") + 4;
    ingest.send(request.substring(0, headerEnd + 5));
    advanceSeconds(9);
    ingest.send(request.substring(headerEnd + 5, headerEnd + 6));
    advanceSeconds(1);

    assertThat(ingest.response().status()).isEqualTo(408);
    assertThat(ingest.channel.isOpen()).isFalse();
  }

  @Test
  void requestReceivedInTime_isNotCut_whileItWaitsForKafka_norOnAnIdleKeepAlive() {
    String request = EmbeddedIngest.postJson(VALID);
    ingest.send(request.substring(0, 10));
    advanceSeconds(9);
    ingest.send(request.substring(10));
    advanceSeconds(4); // 13 s after the first byte, waiting for the ack: not under the deadline

    ingest.producer.completeNext();
    assertThat(ingest.response().status()).isEqualTo(202);
    advanceSeconds(15); // idle keep-alive, shorter than the idle timeout

    assertThat(ingest.channel.isOpen()).isTrue();
    assertThat(ingest.count(Outcome.REQUEST_TIMEOUT)).isZero();
  }

  @Test
  void eachRequestOnAKeepAliveConnection_getsItsOwnDeadline() {
    String request = EmbeddedIngest.postJson(VALID);
    for (int i = 0; i < 3; i++) {
      ingest.send(request.substring(0, 10));
      advanceSeconds(8);
      ingest.send(request.substring(10));
      ingest.producer.completeNext();
      assertThat(ingest.response().status()).isEqualTo(202);
    }
    assertThat(ingest.channel.isOpen()).isTrue();
  }

  @Test
  void refusedExpectContinue_doesNotLeaveTheDeadlineRunning() {
    ingest.send("POST /ilk/v1/results HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Expect: 100-continue\r\nContent-Length: 1000000\r\n\r\n");
    assertThat(ingest.response().status()).isEqualTo(413);

    advanceSeconds(20);

    assertThat(ingest.channel.isOpen()).isTrue();
    assertThat(ingest.responses()).isEmpty();
  }

  @Test
  void configuredDeadline_isUsed() {
    try (EmbeddedIngest fast = new EmbeddedIngest(EmbeddedIngest.config()
        .set(IngestKeys.REQUEST_DEADLINE, java.time.Duration.ofMillis(500)).build())) {
      fast.send("POST /ilk");
      fast.channel.advanceTimeBy(600, TimeUnit.MILLISECONDS);
      fast.channel.runScheduledPendingTasks();

      assertThat(fast.response().body()).contains("within 500 ms");
    }
  }
}
