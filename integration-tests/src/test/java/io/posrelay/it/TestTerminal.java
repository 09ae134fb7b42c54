package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.v1.PaymentResult;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A POS terminal written only from docs/pos-protocol.md and pos.proto, with nothing of the relay's
 * code: a plain blocking socket, frames written with {@code writeDelimitedTo} and read with {@code
 * parseDelimitedFrom} (the varint32 length-prefixed framing the protocol specifies).
 *
 * <p>A reader thread puts every frame it receives into a queue; results are acked automatically
 * unless {@code autoAck} is off.
 */
final class TestTerminal implements AutoCloseable {
  private final String terminalId;
  private final Socket socket;
  private final OutputStream out;
  private final BlockingQueue<PosFrame> received = new LinkedBlockingQueue<>();
  private final List<PaymentResult> results = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Thread reader;
  private final boolean autoAck;
  private volatile boolean closedByPeer;

  private TestTerminal(String terminalId, Socket socket, boolean autoAck) throws IOException {
    this.terminalId = terminalId;
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.autoAck = autoAck;
    InputStream in = new BufferedInputStream(socket.getInputStream());
    this.reader = new Thread(() -> readLoop(in), "terminal-" + terminalId);
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** Connects, says Hello and waits for Welcome. */
  static TestTerminal connect(int port, String terminalId) throws IOException, InterruptedException {
    return connect(port, terminalId, true);
  }

  static TestTerminal connect(int port, String terminalId, boolean autoAck)
      throws IOException, InterruptedException {
    return connect(port, terminalId, autoAck, 0);
  }

  /**
   * Connects, says Hello offering {@code protocolVersion} (0 = none: version 1) and waits for
   * Welcome.
   */
  static TestTerminal connect(int port, String terminalId, boolean autoAck, int protocolVersion)
      throws IOException, InterruptedException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    socket.setTcpNoDelay(true);
    TestTerminal terminal = new TestTerminal(terminalId, socket, autoAck);
    terminal.send(
        PosFrame.newBuilder()
            .setHello(Hello.newBuilder().setTerminalId(terminalId).setMerchantId("M-" + terminalId)
                .setProtocolVersion(protocolVersion))
            .build());
    PosFrame first = terminal.nextFrame(Duration.ofSeconds(10));
    assertThat(first.hasWelcome()).as("first frame from the node: %s", first).isTrue();
    terminal.welcome = first.getWelcome();
    return terminal;
  }

  private Welcome welcome = Welcome.getDefaultInstance();

  Welcome welcome() {
    return welcome;
  }

  String terminalId() {
    return terminalId;
  }

  synchronized void send(PosFrame frame) throws IOException {
    frame.writeDelimitedTo(out);
    out.flush();
  }

  void ack(String resultId) throws IOException {
    send(PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId(resultId)).build());
  }

  /** The next frame that is not a payment result handled by auto-ack, or fails after timeout. */
  PosFrame nextFrame(Duration timeout) throws InterruptedException {
    PosFrame frame = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(frame).as("a frame within %s on terminal %s", timeout, terminalId).isNotNull();
    return frame;
  }

  /** Every payment result received so far, in arrival order, duplicates included. */
  List<PaymentResult> results() {
    return new ArrayList<>(results);
  }

  boolean closedByPeer() {
    return closedByPeer;
  }

  private void readLoop(InputStream in) {
    try {
      while (true) {
        PosFrame frame = PosFrame.parseDelimitedFrom(in);
        if (frame == null) {
          closedByPeer = true;
          return;
        }
        if (frame.hasPaymentResult()) {
          results.add(frame.getPaymentResult());
          if (autoAck) {
            ack(frame.getPaymentResult().getResultId());
            continue;
          }
        }
        received.add(frame);
      }
    } catch (IOException e) {
      closedByPeer = true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
