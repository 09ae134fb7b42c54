package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.RecordingClaims;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.runtime.management.ManagementServer;
import io.posrelay.relay.delivery.RecordingSessions;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Netty server on 127.0.0.1 with random ports; Kafka replaced by in-memory fakes. */
class RelayServerTest {
  private static final String TOPIC = FakeKafkaClients.RESULTS;
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final String SESSIONS_TOPIC = FakeKafkaClients.SESSIONS;

  /** A MockConsumer that waits a little on an empty poll, as a real one would. */
  static final class IdleMockConsumer extends MockConsumer<String, PaymentResult> {
    IdleMockConsumer() {
      super("latest");
    }

    @Override
    public ConsumerRecords<String, PaymentResult> poll(Duration timeout) {
      ConsumerRecords<String, PaymentResult> records = super.poll(timeout);
      if (records.isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // outside the consumer's lock
      }
      return records;
    }
  }

  private final FakeKafkaClients kafka = new FakeKafkaClients();
  private final IdleMockConsumer mock = kafka.results;
  private final RecordingClaims claims = kafka.claims;
  private final RecordingSessions announced = kafka.announced;
  private final MockConsumer<String, TerminalSession> sessionsMock = kafka.sessions;
  private RelayServer server;

  @BeforeEach
  void start() throws Exception {
    ServiceConfig config = ServiceConfig.builder(RelayKeys.SPEC)
        .set(RelayKeys.NODE_ID, "relay-test").set(ListenerKeys.HOST, "127.0.0.1")
        .set(RelayKeys.PORT, 0).set(RelayKeys.MANAGEMENT_PORT, 0)
        .set(KafkaKeys.ACK_TIMEOUT, Duration.ofSeconds(30))
        .set(RelayKeys.SHUTDOWN_DRAIN, Duration.ofMillis(200))
        .set(RelayKeys.ADMIN_ADDRESS, "").build();
    server = RelayServer.start(config, kafka);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static void send(Socket socket, PosFrame frame) throws IOException {
    OutputStream out = socket.getOutputStream();
    frame.writeDelimitedTo(out);
    out.flush();
  }

  private static PosFrame receive(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    PosFrame frame = PosFrame.parseDelimitedFrom(in);
    assertThat(frame).as("a frame before end of stream").isNotNull();
    return frame;
  }

  private void publish(long offset, String resultId, String terminalId) {
    PaymentResult result = PaymentResult.newBuilder().setResultId(resultId)
        .setTerminalId(terminalId).setResultCode("0000").setAmount(1000).setAttempt(1).build();
    mock.schedulePollTask(
        () -> mock.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, terminalId, result)));
  }

  @Test
  void terminal_receivesItsResult_acksIt_andTheClaimsFollow() throws Exception {
    try (Socket socket = connect()) {
      send(socket, PosFrame.newBuilder()
          .setHello(Hello.newBuilder().setTerminalId("T-1")).build());
      PosFrame welcome = receive(socket);
      assertThat(welcome.getWelcome().getNodeId()).isEqualTo("relay-test");

      publish(0, "r-1", "T-1");
      PosFrame delivered = receive(socket);
      assertThat(delivered.getPaymentResult().getResultId()).isEqualTo("r-1");
      send(socket, PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId("r-1")).build());
      await().atMost(Duration.ofSeconds(5)).until(() -> claims.outcomes().contains("DELIVERED"));
      // The CLAIMED claim waits 500 ms for the outcome (DeliveryTracker.claimDelayFor 3 s): it is
      // sent only when the ack took longer than that.
      assertThat(claims.outcomes())
          .isIn(List.of("DELIVERED"), List.of("CLAIMED", "DELIVERED"));

      send(socket, PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(9)).build());
      assertThat(receive(socket).getPong().getNonce()).isEqualTo(9);
    }
  }

  @Test
  void metrics_areServedOverHttp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("posrelay_relay_terminals_connected")
        .contains("posrelay_relay_deliveries_total")
        .contains("jvm_memory_used_bytes");
  }

  private HttpResponse<String> management(String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.managementPort() + path))
            .timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void ready_namesEachComponent_andADeadResultsReaderTurnsIt503_untilTheReaderRestarts()
      throws Exception {
    HttpResponse<String> ready = management(ManagementServer.READY_PATH);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).startsWith("{\"service\":\"relay-server\",\"status\":\"UP\"")
        .contains("\"pos-listener\":{\"status\":\"UP\",\"detail\":\"listening on")
        .contains("\"results-reader\":{\"status\":\"UP\",\"detail\":\"1 partition(s) of"
            + " posrelay.results, lag 0 records (at most 10000)\"}")
        .contains("\"sessions-reader\":{\"status\":\"UP\"")
        .doesNotContain("delivery-events-reader"); // recovery is off
    assertThat(management(ManagementServer.LIVE_PATH).statusCode()).isEqualTo(200);

    mock.setPollException(new KafkaException("fatal: topic authorization failed"));

    await().atMost(Duration.ofSeconds(5))
        .until(() -> management(ManagementServer.READY_PATH).statusCode() == 503);
    assertThat(server.health().ready().components().get("results-reader").detail())
        .contains("Kafka error").contains("topic authorization failed");
    assertThat(server.meterRegistry().get(RelayMeters.RESULTS_ERRORS).tag("kind", "fatal")
        .counter().count()).isEqualTo(1);
    assertThat(management(ManagementServer.LIVE_PATH).statusCode())
        .as("a dead reader is not a dead process").isEqualTo(200);
    // restarted after 1 s (BroadcastConsumer.Restarts.DEFAULT)
    await().atMost(Duration.ofSeconds(10))
        .until(() -> management(ManagementServer.READY_PATH).statusCode() == 200);
    assertThat(server.failure().toCompletableFuture()).isNotDone();
  }

  @Test
  void close_sendsShuttingDown_failsInFlight_andClosesTheClaimPublisher() throws Exception {
    try (Socket socket = connect()) {
      send(socket, PosFrame.newBuilder()
          .setHello(Hello.newBuilder().setTerminalId("T-2")).build());
      receive(socket);
      publish(0, "r-2", "T-2");
      assertThat(receive(socket).getPaymentResult().getResultId()).isEqualTo("r-2");
      server.close(); // never acked: waits the drain time, then fails it
      PosFrame error = receive(socket);
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_SHUTTING_DOWN);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(claims.outcomes()).isIn(
          List.of("FAILED/NODE_SHUTDOWN"), List.of("CLAIMED", "FAILED/NODE_SHUTDOWN"));
      assertThat(claims.closed()).isTrue();
      assertThat(mock.closed()).isTrue();
      assertThat(sessionsMock.closed()).isTrue();
    }
  }

  @Test
  void newerSessionAnnouncedByAnotherNode_replacesTheSessionHere() throws Exception {
    try (Socket socket = connect()) {
      send(socket, PosFrame.newBuilder()
          .setHello(Hello.newBuilder().setTerminalId("T-3")).build());
      PosFrame welcome = receive(socket);
      await().atMost(Duration.ofSeconds(5)).until(() -> announced.all().size() == 1);
      assertThat(announced.all()).extracting(TerminalSession::getSessionId)
          .containsExactly(welcome.getWelcome().getSessionId());
      TerminalSession own = announced.all().get(0);

      TerminalSession elsewhere = own.toBuilder().setNodeId("relay-other")
          .setSessionId("s-other")
          .setConnectedAt(own.getConnectedAt().toBuilder()
              .setSeconds(own.getConnectedAt().getSeconds() + 1))
          .build();
      sessionsMock.schedulePollTask(() -> {
        sessionsMock.addRecord(new ConsumerRecord<>(SESSIONS_TOPIC, 0, 0, "T-3", own));
        sessionsMock.addRecord(new ConsumerRecord<>(SESSIONS_TOPIC, 0, 1, "T-3", elsewhere));
      });

      PosFrame error = receive(socket);
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
  }
}
