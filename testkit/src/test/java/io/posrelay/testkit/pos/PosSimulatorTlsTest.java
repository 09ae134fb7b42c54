package io.posrelay.testkit.pos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.HostAndPort;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.testkit.secure.SecureMaterial;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pos-sim over TLS with terminal tokens, against a fake node on a JSSE server socket that presents
 * the server certificate {@code local --secure} makes.
 */
class PosSimulatorTlsTest {
  private static final String SECRET = "pos-sim-tls-test-secret-0123456789abcdef";

  @TempDir Path dir;
  private SecureMaterial secure;
  private SSLServerSocket node;

  @BeforeEach
  void startFakeTlsNode() throws Exception {
    secure = SecureMaterial.createOrReuse(dir.resolve("secure"));
    JdkSslContext tls = (JdkSslContext) SslContextBuilder.forServer(
        secure.serverCertFile().toFile(), secure.serverKeyFile().toFile())
        .sslProvider(SslProvider.JDK).build();
    node = (SSLServerSocket) tls.context().getServerSocketFactory()
        .createServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    node.setSoTimeout(10_000);
  }

  @AfterEach
  void stopFakeNode() throws Exception {
    node.close();
  }

  @Test
  void terminals_connectOverTls_andSendTheTokenOfTheirId() throws Exception {
    Path secrets = Files.writeString(dir.resolve("secrets"), SECRET + "\n");
    PosSimSecurity security = PosSimSecurity.fromOptions(secrets, null, secure.caCertFile());
    try (PosSimulator simulator = PosSimulator.start(
            List.of(HostAndPort.fromParts("127.0.0.1", node.getLocalPort())), List.of("T0007"),
            result -> { }, security);
        Socket socket = node.accept()) {
      socket.setSoTimeout(10_000);
      Hello hello = PosFrame.parseDelimitedFrom(socket.getInputStream()).getHello();
      assertThat(hello.getTerminalId()).isEqualTo("T0007");
      assertThat(hello.getAuthToken()).isEqualTo(
          TerminalTokens.issue(SECRET.getBytes(StandardCharsets.UTF_8), "T0007"));
      PosFrame.newBuilder().setWelcome(Welcome.newBuilder().setNodeId("tls-node")
              .setSessionId("s1").setHeartbeatIntervalMs(60_000)).build()
          .writeDelimitedTo(socket.getOutputStream());
      socket.getOutputStream().flush();
      assertThat(simulator.awaitAllConnected(Duration.ofSeconds(10))).isTrue();
      assertThat(simulator.connectedByNode()).containsEntry("tls-node", 1);
    }
  }

  @Test
  void withoutSecrets_theHelloCarriesNoToken() throws Exception {
    PosSimSecurity security = PosSimSecurity.fromOptions(null, null, secure.caCertFile());
    try (PosSimulator simulator = PosSimulator.start(
            List.of(HostAndPort.fromParts("127.0.0.1", node.getLocalPort())), List.of("T0001"),
            result -> { }, security);
        Socket socket = node.accept()) {
      socket.setSoTimeout(10_000);
      Hello hello = PosFrame.parseDelimitedFrom(socket.getInputStream()).getHello();
      assertThat(hello.getTerminalId()).isEqualTo("T0001");
      assertThat(hello.getAuthToken()).isEmpty();
    }
  }
}
