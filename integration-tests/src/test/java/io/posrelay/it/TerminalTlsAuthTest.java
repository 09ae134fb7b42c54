package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.ingest.IlkIngestServer;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.tls.PemTls;
import io.posrelay.testkit.pos.PosSimSecurity;
import io.posrelay.testkit.pos.PosSimulator;
import io.posrelay.testkit.pos.ReceivedResult;
import io.posrelay.testkit.secure.SecureMaterial;
import io.posrelay.v1.PaymentResult;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay node with TLS on its POS listener and terminal authentication on, against real Kafka:
 * real TLS clients (a JSSE socket and pos-sim) that trust only the CA {@code local --secure} makes
 * say Hello with their terminal token and get their payment results over TLS; a wrong token gets
 * no session.
 */
@ExtendWith(SharedKafka.class)
class TerminalTlsAuthTest {
  private static final String SECRET = "integration-terminal-secret-0123456789ab";

  @TempDir static Path dir;
  private static SecureMaterial secure;
  private static SSLContext trustingTheCa;
  private static RelayServer relay;
  private static IlkIngestServer ingest;
  private static Webhook webhook;

  @BeforeAll
  static void start(KafkaCluster kafka) throws Exception {
    secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    trustingTheCa = PemTls.jdkClient(secure.caCertFile(), "ca-file");
    Path secrets = Files.writeString(dir.resolve("terminal-secrets"), SECRET + "\n");
    relay = RelayServer.start(TestConfigs.relay(kafka.bootstrapServers(), "it-relay-tls")
        .set(RelayKeys.TERMINAL_SECRET_FILE, Optional.of(secrets))
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(secure.serverCertFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(secure.serverKeyFile()))
        .build());
    ingest = IlkIngestServer.start(TestConfigs.ingest(kafka.bootstrapServers()).build());
    webhook = new Webhook(ingest.port());
  }

  @AfterAll
  static void stop() throws Exception {
    PosRelayStack.closeAll(List.of(ingest, relay));
  }

  private static String terminalId(String name) {
    return name + "-" + Long.toString(System.nanoTime(), 36);
  }

  private static String token(String terminalId) {
    return TerminalTokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), terminalId);
  }

  private static SSLSocket tlsConnect() throws Exception {
    SSLSocket socket = (SSLSocket) trustingTheCa.getSocketFactory()
        .createSocket("127.0.0.1", relay.port());
    SSLParameters params = socket.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS");
    socket.setSSLParameters(params);
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static void send(SSLSocket socket, PosFrame frame) throws IOException {
    frame.writeDelimitedTo(socket.getOutputStream());
    socket.getOutputStream().flush();
  }

  private static PosFrame receive(SSLSocket socket) throws IOException {
    PosFrame frame = PosFrame.parseDelimitedFrom(socket.getInputStream());
    assertThat(frame).as("a frame before end of stream").isNotNull();
    return frame;
  }

  private static PosFrame hello(String terminalId, String token) {
    return PosFrame.newBuilder().setHello(Hello.newBuilder().setTerminalId(terminalId)
        .setMerchantId("M-" + terminalId).setAuthToken(token)).build();
  }

  @Test
  void authenticatedTlsTerminal_getsItsResultOverTls() throws Exception {
    String tid = terminalId("TLS");
    try (SSLSocket socket = tlsConnect()) {
      send(socket, hello(tid, token(tid)));
      assertThat(receive(socket).getWelcome().getNodeId()).isEqualTo("it-relay-tls");
      assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");

      String tx = Webhook.newTransactionId();
      HttpResponse<String> accepted = webhook.post(Webhook.approval(tx, tid, 12_300));
      assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
      PaymentResult result = receive(socket).getPaymentResult();
      assertThat(result.getTransactionId()).isEqualTo(tx);
      assertThat(result.getAmount()).isEqualTo(12_300);
      send(socket, PosFrame.newBuilder()
          .setAck(Ack.newBuilder().setResultId(result.getResultId())).build());
    }
  }

  @Test
  void wrongToken_overTls_isUnauthenticated_andGetsNoSession() throws Exception {
    String tid = terminalId("BAD");
    try (SSLSocket socket = tlsConnect()) {
      send(socket, hello(tid, token(tid + "-other")));
      PosFrame answer = receive(socket);
      assertThat(answer.getError().getCode()).isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(relay.meterRegistry().find("posrelay.relay.terminals.connected").gauge().value())
        .isZero();
  }

  @Test
  void posSim_overTlsWithTheSecretFile_connectsAndReceives() throws Exception {
    String prefix = "SIM" + Long.toString(System.nanoTime() % 1_000_000, 36);
    List<ReceivedResult> received = new CopyOnWriteArrayList<>();
    PosSimSecurity security =
        PosSimSecurity.fromOptions(dir.resolve("terminal-secrets"), null, secure.caCertFile());
    try (PosSimulator sim = PosSimulator.start(
        List.of(HostAndPort.fromParts("127.0.0.1", relay.port())), List.of(prefix + "0001"),
        received::add, security)) {
      assertThat(sim.awaitAllConnected(Duration.ofSeconds(20))).isTrue();
      String tx = Webhook.newTransactionId();
      assertThat(webhook.post(Webhook.approval(tx, prefix + "0001", 500)).statusCode())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(15)).until(() -> !received.isEmpty());
      assertThat(received.get(0).result().getTransactionId()).isEqualTo(tx);
    }
  }
}
