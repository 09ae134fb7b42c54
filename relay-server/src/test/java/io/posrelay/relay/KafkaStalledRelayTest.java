package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.ClaimPublisher;
import io.posrelay.relay.delivery.DeliveryEventInterest;
import io.posrelay.relay.delivery.ResultDispatcher;
import io.posrelay.relay.delivery.SessionPublisher;
import io.posrelay.relay.kafka.BroadcastConsumer;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.relay.pos.SessionTakeover;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import io.posrelay.runtime.kafka.KafkaKeys;
import io.posrelay.testkit.kafka.StalledProducer;
import io.posrelay.v1.DeliveryClaim;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import io.posrelay.v1.kafka.EventSerdes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Netty server with claims and sessions producers whose {@code send} blocks, as {@code
 * KafkaProducer#send} does for up to {@code max.block.ms} while Kafka is unreachable (a cold
 * metadata fetch, a full buffer). The POS event loops must go on answering every terminal: no
 * Kafka send runs on them. Before issue 12 each blocked send froze its event loop for {@code
 * max.block.ms} (10 s).
 */
@Timeout(120)
class KafkaStalledRelayTest {
  /** Most claims (and sessions) awaiting Kafka in this test. */
  private static final int MAX_IN_FLIGHT = 4;
  /**
   * What "answers at once" means on a busy 2-core machine; a send on the event loop would block
   * for as long as the producer stalls ({@link StalledProducer#LONGEST_STALL}, a minute).
   */
  private static final Duration PROMPT = Duration.ofSeconds(5);

  private final FakeKafkaClients fakes = new FakeKafkaClients();
  private final StalledProducer<String, DeliveryClaim> claimsProducer =
      new StalledProducer<>(new StringSerializer(), EventSerdes.deliveryClaim().serializer());
  private final StalledProducer<String, TerminalSession> sessionsProducer =
      new StalledProducer<>(new StringSerializer(), EventSerdes.terminalSession().serializer());
  private RelayServer server;

  @BeforeEach
  void start() throws Exception {
    ServiceConfig config = ServiceConfig.builder(RelayKeys.SPEC)
        .set(RelayKeys.NODE_ID, "relay-stalled").set(ListenerKeys.HOST, "127.0.0.1")
        .set(RelayKeys.PORT, 0).set(RelayKeys.MANAGEMENT_PORT, 0)
        .set(KafkaKeys.ACK_TIMEOUT, Duration.ofSeconds(30))
        .set(RelayKeys.SHUTDOWN_DRAIN, Duration.ofMillis(200))
        .set(RelayKeys.MAX_IN_FLIGHT_PUBLISHES, MAX_IN_FLIGHT)
        .set(RelayKeys.ADMIN_ADDRESS, "").build();
    server = RelayServer.start(config, new StalledKafka());
  }

  @AfterEach
  void stop() {
    claimsProducer.release();
    sessionsProducer.release();
    server.close();
  }

  @Test
  void whileEveryKafkaSendBlocks_terminalsGetWelcomeResultsAndPongAtOnce_andExcessClaimsAreDropped()
      throws Exception {
    claimsProducer.stall();
    sessionsProducer.stall();
    List<Long> millis = new ArrayList<>();

    try (Socket first = connect()) {
      millis.add(timed(() -> assertThat(hello(first, "T-1").hasWelcome()).isTrue()));
      await().atMost(PROMPT).until(() -> sessionsProducer.stalledSends() == 1);

      // Ten results, each acked: ten claims on the event loop while the claims producer is stuck.
      for (int i = 0; i < 10; i++) {
        publish(i, "r-" + i, "T-1");
        String resultId = "r-" + i;
        millis.add(timed(() ->
            assertThat(receive(first).getPaymentResult().getResultId()).isEqualTo(resultId)));
        send(first, PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId(resultId)).build());
      }
      millis.add(timed(() -> {
        send(first, PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(7)).build());
        assertThat(receive(first).getPong().getNonce()).isEqualTo(7);
      }));
      // Five more terminals: their session announcements queue up to the bound, then drop.
      List<Socket> others = new ArrayList<>();
      try {
        for (int i = 2; i <= 6; i++) {
          Socket other = connect();
          others.add(other);
          String tid = "T-" + i;
          millis.add(timed(() -> assertThat(hello(other, tid).hasWelcome()).isTrue()));
        }
      } finally {
        for (Socket s : others) {
          s.close();
        }
      }

      await().atMost(PROMPT).until(() -> gauge(RelayMeters.CLAIMS_IN_FLIGHT) == MAX_IN_FLIGHT);
      await().atMost(PROMPT).until(() -> dropped(RelayMeters.CLAIMS_DROPPED, "full") >= 6);
      await().atMost(PROMPT).until(() -> dropped(RelayMeters.SESSIONS_DROPPED, "full") == 2);
      assertThat(gauge(RelayMeters.SESSIONS_IN_FLIGHT)).isEqualTo(MAX_IN_FLIGHT);
      System.out.printf("KafkaStalledRelayTest: with every Kafka send blocked, each Welcome,"
          + " result and Pong came in %s ms (slowest %d ms); claims dropped %.0f, sessions"
          + " dropped %.0f%n", millis, millis.stream().mapToLong(Long::longValue).max().orElse(0),
          dropped(RelayMeters.CLAIMS_DROPPED, "full"),
          dropped(RelayMeters.SESSIONS_DROPPED, "full"));
      assertThat(millis).allSatisfy(ms -> assertThat(ms).isLessThan(PROMPT.toMillis()));

      // Kafka answers again: the queued claims and sessions reach it, and new ones flow.
      claimsProducer.release();
      sessionsProducer.release();
      await().atMost(PROMPT).until(() -> gauge(RelayMeters.CLAIMS_IN_FLIGHT) == 0
          && gauge(RelayMeters.SESSIONS_IN_FLIGHT) == 0);
      assertThat(claimsProducer.history()).hasSize(MAX_IN_FLIGHT);
      assertThat(sessionsProducer.history()).hasSize(MAX_IN_FLIGHT);
      publish(10, "r-10", "T-1");
      assertThat(receive(first).getPaymentResult().getResultId()).isEqualTo("r-10");
      send(first, PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId("r-10")).build());
      await().atMost(PROMPT).until(() -> claimsProducer.history().stream()
          .anyMatch(r -> r.value().getResultId().equals("r-10")));
    }
  }

  @Test
  void metrics_areServedByTheManagementThreads_notAPosEventLoop_whileKafkaStalls()
      throws Exception {
    claimsProducer.stall();
    sessionsProducer.stall();
    AtomicReference<Thread> scrapedOn = new AtomicReference<>();
    Gauge.builder("test.scrape.thread", () -> {
      scrapedOn.set(Thread.currentThread());
      return 1;
    }).register(server.meterRegistry());
    try (Socket terminal = connect()) {
      assertThat(hello(terminal, "T-9").hasWelcome()).isTrue();
      await().atMost(PROMPT).until(() -> gauge(RelayMeters.SESSIONS_IN_FLIGHT) == 1);

      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.managementPort() + "/metrics"))
              .timeout(PROMPT).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("posrelay_relay_sessions_in_flight 1.0");
      assertThat(scrapedOn.get()).isNotNull().isNotInstanceOf(FastThreadLocalThread.class);
      assertThat(scrapedOn.get().getName()).startsWith("posrelay-relay-server-management-");
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
    socket.setSoTimeout((int) PROMPT.toMillis() * 2);
    return socket;
  }

  private static PosFrame hello(Socket socket, String terminalId) throws IOException {
    send(socket, PosFrame.newBuilder().setHello(Hello.newBuilder().setTerminalId(terminalId))
        .build());
    return receive(socket);
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
    fakes.results.schedulePollTask(() -> fakes.results.addRecord(
        new ConsumerRecord<>(FakeKafkaClients.RESULTS, 0, offset, terminalId, result)));
  }

  private double gauge(String name) {
    return server.meterRegistry().get(name).gauge().value();
  }

  private double dropped(String name, String cause) {
    return server.meterRegistry().get(name).tag("cause", cause).counter().count();
  }

  private interface Step {
    void run() throws Exception;
  }

  private static long timed(Step step) throws Exception {
    long start = System.nanoTime();
    step.run();
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /** The fakes of {@link FakeKafkaClients}, but claims and sessions over the stalled producers. */
  private final class StalledKafka implements RelayKafka {
    @Override
    public void checkTopics(ServiceConfig config) {
      fakes.checkTopics(config);
    }

    @Override
    public ClaimPublisher claims(ServiceConfig config, RelayMeters meters,
        MeterRegistry registry) {
      return KafkaRelayClients.claimPublisher(KafkaRelayClients.claimEvents(claimsProducer,
          "posrelay.claims", RelayKeys.nodeId(config),
          config.get(RelayKeys.MAX_IN_FLIGHT_PUBLISHES), meters));
    }

    @Override
    public BroadcastConsumer<PaymentResult> results(ServiceConfig config,
        Predicate<String> wanted, ResultDispatcher dispatcher, RelayMeters meters,
        MeterRegistry registry) {
      return fakes.results(config, wanted, dispatcher, meters, registry);
    }

    @Override
    public SessionPublisher sessionPublisher(ServiceConfig config, RelayMeters meters,
        MeterRegistry registry) {
      return KafkaRelayClients.sessionPublisher(KafkaRelayClients.sessionEvents(sessionsProducer,
          FakeKafkaClients.SESSIONS, RelayKeys.nodeId(config),
          config.get(RelayKeys.MAX_IN_FLIGHT_PUBLISHES), meters));
    }

    @Override
    public BroadcastConsumer<TerminalSession> sessions(ServiceConfig config,
        SessionTakeover takeover, RelayMeters meters, MeterRegistry registry) {
      return fakes.sessions(config, takeover, meters, registry);
    }

    @Override
    public BroadcastConsumer<DeliveryEvent> deliveryEvents(ServiceConfig config,
        DeliveryEventInterest interest, Consumer<DeliveryEvent> handler, RelayMeters meters,
        MeterRegistry registry) {
      return fakes.deliveryEvents(config, interest, handler, meters, registry);
    }
  }
}
