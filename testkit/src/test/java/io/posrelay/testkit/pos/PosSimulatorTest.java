package io.posrelay.testkit.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.net.HostAndPort;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.PaymentResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator against a fake relay node that speaks the POS protocol over a plain socket. */
class PosSimulatorTest {
  private ServerSocket node;
  private final List<ReceivedResult> received = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startFakeNode() throws IOException {
    node = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
    node.setSoTimeout(10_000);
  }

  @AfterEach
  void stopFakeNode() throws IOException {
    node.close();
  }

  private PosSimulator simulator() {
    return PosSimulator.start(
        List.of(HostAndPort.fromParts("127.0.0.1", node.getLocalPort())), List.of("T0001"), received::add);
  }

  private static PosFrame read(Socket socket) throws IOException {
    PosFrame frame = PosFrame.parseDelimitedFrom(socket.getInputStream());
    assertThat(frame).as("frame from the terminal").isNotNull();
    return frame;
  }

  private static void write(Socket socket, PosFrame frame) throws IOException {
    frame.writeDelimitedTo(socket.getOutputStream());
    socket.getOutputStream().flush();
  }

  private static PosFrame welcome() {
    return PosFrame.newBuilder()
        .setWelcome(
            Welcome.newBuilder()
                .setNodeId("fake-1")
                .setSessionId("s1")
                .setHeartbeatIntervalMs(60_000))
        .build();
  }

  @Test
  void terminal_saysHello_acksResults_andCountsDuplicates() throws Exception {
    try (PosSimulator simulator = simulator(); Socket socket = node.accept()) {
      socket.setSoTimeout(10_000);
      PosFrame hello = read(socket);
      assertThat(hello.getHello().getTerminalId()).isEqualTo("T0001");
      assertThat(hello.getHello().getMerchantId()).isEqualTo("MT0001");
      write(socket, welcome());
      assertThat(simulator.awaitAllConnected(Duration.ofSeconds(10))).isTrue();

      PosFrame result =
          PosFrame.newBuilder()
              .setPaymentResult(
                  PaymentResult.newBuilder().setResultId("r-1").setTerminalId("T0001"))
              .build();
      write(socket, result);
      write(socket, result);

      assertThat(read(socket).getAck().getResultId()).isEqualTo("r-1");
      assertThat(read(socket).getAck().getResultId()).isEqualTo("r-1");
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
      assertThat(received).extracting(ReceivedResult::duplicate).containsExactly(false, true);
      assertThat(received).extracting(ReceivedResult::nodeId).containsOnly("fake-1");
      assertThat(simulator.resultsReceived()).isEqualTo(1);
      assertThat(simulator.duplicates()).isEqualTo(1);
      assertThat(simulator.resultsByNode()).isEqualTo(Map.of("fake-1", 2L));
      assertThat(simulator.connectedByNode()).isEqualTo(Map.of("fake-1", 1));
    }
  }

  @Test
  void disconnectedTerminal_reconnectsAndSaysHelloAgain() throws Exception {
    try (PosSimulator simulator = simulator()) {
      try (Socket first = node.accept()) {
        first.setSoTimeout(10_000);
        read(first);
        write(first, welcome());
        assertThat(simulator.awaitAllConnected(Duration.ofSeconds(10))).isTrue();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> simulator.connectedTerminals() == 0);

      try (Socket second = node.accept()) {
        second.setSoTimeout(10_000);
        assertThat(read(second).getHello().getTerminalId()).isEqualTo("T0001");
        write(second, welcome());
        assertThat(simulator.awaitAllConnected(Duration.ofSeconds(10))).isTrue();
      }
    }
  }
}
