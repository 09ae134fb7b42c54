package io.posrelay.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.testkit.secure.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.runtime.config.ServiceConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The real server with TLS and terminal authentication on, on 127.0.0.1, Kafka faked: a real
 * JSSE client that trusts only the test CA and checks the host name says Hello over TLS.
 */
class RelayServerTlsTest {
  private static final byte[] SECRET =
      "relay-server-tls-test-secret-0123456789".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  private TestCertificates certs;
  private RelayServer server;

  @BeforeEach
  void start() throws Exception {
    certs = TestCertificates.create(dir);
    server = RelayServer.start(base("relay-tls")
        // includes the TLS handshake: slow on a cold, busy JVM
        .set(RelayKeys.HELLO_TIMEOUT, Duration.ofSeconds(5))
        .set(RelayKeys.TERMINAL_SECRETS, Optional.of(new String(SECRET, StandardCharsets.UTF_8)))
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(certs.certFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(certs.keyFile()))
        .build(), new FakeKafkaClients());
  }

  private static ServiceConfig.Builder base(String nodeId) {
    return ServiceConfig.builder(RelayKeys.SPEC).set(RelayKeys.NODE_ID, nodeId)
        .set(ListenerKeys.HOST, "127.0.0.1").set(RelayKeys.PORT, 0)
        .set(RelayKeys.MANAGEMENT_PORT, 0).set(RelayKeys.ADMIN_ADDRESS, "")
        .set(RelayKeys.SHUTDOWN_DRAIN, Duration.ofMillis(100));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private SSLSocket tlsConnect(String host) throws Exception {
    SSLSocket socket = (SSLSocket) certs.clientContext().getSocketFactory()
        .createSocket(host, server.port());
    SSLParameters params = socket.getSSLParameters();
    params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
    socket.setSSLParameters(params);
    socket.setSoTimeout(15_000);
    return socket;
  }

  private static PosFrame hello(String terminalId, String token) {
    return PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(terminalId).setAuthToken(token)).build();
  }

  private static PosFrame exchange(Socket socket, PosFrame frame) throws IOException {
    frame.writeDelimitedTo(socket.getOutputStream());
    socket.getOutputStream().flush();
    PosFrame answer = PosFrame.parseDelimitedFrom(socket.getInputStream());
    assertThat(answer).as("a frame before end of stream").isNotNull();
    return answer;
  }

  private double counter(String name, String... tags) {
    var counter = server.meterRegistry().find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void tlsClient_withTheTerminalsToken_isWelcomed() throws Exception {
    try (SSLSocket socket = tlsConnect("127.0.0.1")) {
      PosFrame welcome = exchange(socket, hello("T-1", TerminalTokens.issue(SECRET, "T-1")));
      assertThat(welcome.getWelcome().getNodeId()).isEqualTo("relay-tls");
      assertThat(socket.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void tlsClient_byHostName_isWelcomedToo() throws Exception {
    try (SSLSocket socket = tlsConnect("localhost")) {
      assertThat(exchange(socket, hello("T-2", TerminalTokens.issue(SECRET, "T-2")))
          .hasWelcome()).isTrue();
    }
  }

  @Test
  void tlsClient_withAnotherTerminalsToken_isUnauthenticatedAndClosed() throws Exception {
    try (SSLSocket socket = tlsConnect("127.0.0.1")) {
      PosFrame error = exchange(socket, hello("T-1", TerminalTokens.issue(SECRET, "T-9")));
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(counter(RelayMeters.AUTH_REJECTED, "reason", "bad_token")).isEqualTo(1);
  }

  @Test
  void tls10Client_isRefused() throws Exception {
    try (SSLSocket socket = tlsConnect("127.0.0.1")) {
      socket.setEnabledProtocols(new String[] {"TLSv1.1"});
      assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class);
    }
  }

  @Test
  void plainTcpClient_onTheTlsPort_isClosedWithoutAnAnswer_andCounted() throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.setSoTimeout(5_000);
      hello("T-1", TerminalTokens.issue(SECRET, "T-1")).writeDelimitedTo(socket.getOutputStream());
      InputStream in = socket.getInputStream();
      int first;
      try {
        first = in.read();
      } catch (IOException reset) {
        first = -1;
      }
      assertThat(first).as("no POS frame in answer to plain TCP").isEqualTo(-1);
    }
    await().atMost(Duration.ofSeconds(5))
        .until(() -> counter(RelayMeters.TLS_HANDSHAKE_FAILURES) == 1);
  }

  @Test
  void connectionOverTheLimit_isClosedWithoutAHandshake() throws Exception {
    server.close();
    server = RelayServer.start(base("relay-tls").set(RelayKeys.MAX_CONNECTIONS, 1)
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(certs.certFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(certs.keyFile())).build(),
        new FakeKafkaClients());
    try (SSLSocket first = tlsConnect("127.0.0.1")) {
      first.startHandshake(); // counted once the handshake is done: it was accepted first
      try (SSLSocket second = tlsConnect("127.0.0.1")) {
        assertThatThrownBy(second::startHandshake).isInstanceOf(IOException.class);
      }
    }
    assertThat(counter(RelayMeters.CONNECTIONS_REJECTED)).isEqualTo(1);
  }

  @Test
  void withoutTerminalSecrets_oneWarnSaysAuthenticationIsOff_andAnyTokenIsWelcomed()
      throws Exception {
    server.close();
    Logger log = (Logger) LoggerFactory.getLogger(RelayServer.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    log.addAppender(logs);
    try {
      server = RelayServer.start(base("relay-open").build(), new FakeKafkaClients());
    } finally {
      log.detachAppender(logs);
    }
    assertThat(logs.list)
        .filteredOn(e -> e.getLevel() == Level.WARN)
        .extracting(ILoggingEvent::getFormattedMessage)
        .singleElement().asString().contains("terminal authentication is OFF");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      socket.setSoTimeout(5_000);
      assertThat(exchange(socket, hello("T-1", "not-a-token")).hasWelcome()).isTrue();
    }
  }

  @Test
  void silentTlsClient_isClosedAfterTheHelloTimeout() throws Exception {
    try (SSLSocket socket = tlsConnect("127.0.0.1")) {
      socket.startHandshake();
      PosFrame error = PosFrame.parseDelimitedFrom(socket.getInputStream());
      assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_HELLO_REQUIRED);
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(counter(RelayMeters.HELLO_TIMEOUTS)).isEqualTo(1);
  }
}
