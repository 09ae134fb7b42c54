package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.RelayMeters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The whole POS pipeline, bytes in and bytes out. */
class PosChannelInitializerTest {
  private static final int MAX_FRAME_BYTES = 256;
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);

  private final PosFixture fx = new PosFixture();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private PosChannelInitializer initializer(int maxConnections) {
    return new PosChannelInitializer(PosFixture.NODE_ID, MAX_FRAME_BYTES,
        PosFixture.HEARTBEAT_MILLIS, channels,
        new ConnectionLimitHandler(maxConnections, fx.meters), fx.registry, fx.tracker,
        fx.sessions, fx.recovery, Duration.ofSeconds(10), fx.meters, fx.clock, null,
        HELLO_TIMEOUT, fx.authenticator, fx.inquiries);
  }

  private static ByteBuf encoded(PosFrame... frames) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (PosFrame frame : frames) {
      frame.writeDelimitedTo(out);
    }
    return Unpooled.wrappedBuffer(out.toByteArray());
  }

  private static List<PosFrame> written(EmbeddedChannel ch) throws IOException {
    ByteBuf all = Unpooled.buffer();
    for (Object msg; (msg = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      all.writeBytes(buf);
      buf.release();
    }
    List<PosFrame> frames = new ArrayList<>();
    try (ByteBufInputStream in = new ByteBufInputStream(all, true)) {
      for (PosFrame f; (f = PosFrame.parseDelimitedFrom(in)) != null; ) {
        frames.add(f);
      }
    }
    return frames;
  }

  @Test
  void helloBytes_areAnsweredWithWelcomeBytes() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(encoded(PosFixture.hello("T-1")));
    List<PosFrame> out = written(ch);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getWelcome().getNodeId()).isEqualTo("node-1");
    assertThat(channels.contains(ch)).isTrue();
  }

  @Test
  void helloAndPingInOneBuffer_areBothAnswered() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(encoded(PosFixture.hello("T-1"), PosFrame.newBuilder()
        .setPing(io.posrelay.pos.v1.Ping.newBuilder().setNonce(7)).build()));
    List<PosFrame> out = written(ch);
    assertThat(out).extracting(PosFrame::getFrameCase)
        .containsExactly(PosFrame.FrameCase.WELCOME, PosFrame.FrameCase.PONG);
  }

  @Test
  void oversizedLengthPrefix_isAnsweredWithFrameTooLarge_andClosed() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x02})); // 257
    List<PosFrame> out = written(ch);
    assertThat(out).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_FRAME_TOO_LARGE));
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.counter(RelayMeters.FRAMES_REJECTED, "code", "frame_too_large")).isEqualTo(1);
  }

  @Test
  void unparsableFrame_isAnsweredWithMalformedFrame_andClosed() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    // Length 3, then bytes that are not a protobuf message (field 0 is invalid).
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x03, 0x00, (byte) 0xFF, 0x7F}));
    List<PosFrame> out = written(ch);
    assertThat(out).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_MALFORMED_FRAME));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void malformedVarint_isAnsweredWithMalformedFrame() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {-1, -1, -1, -1, -1, -1}));
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_MALFORMED_FRAME));
  }

  @Test
  void silenceForThreeHeartbeatIntervals_closesWithIdleTimeout() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.freezeTime();
    ch.writeInbound(encoded(PosFixture.hello("T-1")));
    written(ch);
    ch.advanceTimeBy(3 * PosFixture.HEARTBEAT_MILLIS - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_IDLE_TIMEOUT));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void connectionOverTheLimit_isAnsweredWithOverloaded_andItsFramesIgnored() throws IOException {
    PosChannelInitializer init = initializer(1);
    EmbeddedChannel first = new EmbeddedChannel(init);
    EmbeddedChannel second = new EmbeddedChannel(init);
    assertThat(written(second)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_OVERLOADED));
    assertThat(second.isOpen()).isFalse();
    assertThat(fx.registry.size()).isZero();

    first.close();
    EmbeddedChannel third = new EmbeddedChannel(init);
    third.writeInbound(encoded(PosFixture.hello("T-3")));
    assertThat(written(third)).singleElement()
        .satisfies(f -> assertThat(f.hasWelcome()).isTrue());
  }

  @Test
  void noFrameWithinTheHelloTimeout_closesWithHelloRequired_andIsCounted() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.freezeTime();
    ch.advanceTimeBy(HELLO_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch)).singleElement().satisfies(f -> {
      assertThat(f.getError().getCode()).isEqualTo(Error.Code.CODE_HELLO_REQUIRED);
      assertThat(f.getError().getMessage()).contains("5000 ms");
    });
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.counter(RelayMeters.HELLO_TIMEOUTS)).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.ERRORS_SENT, "code", "hello_required")).isEqualTo(1);
  }

  @Test
  void partialFrameBytes_doNotHoldTheHelloDeadline() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.freezeTime();
    byte[] hello = encoded(PosFixture.hello("T-1")).array();
    for (int i = 0; i < hello.length - 1; i++) { // everything but the last byte, slowly
      ch.writeInbound(Unpooled.wrappedBuffer(hello, i, 1));
      ch.advanceTimeBy(HELLO_TIMEOUT.toMillis() / hello.length, TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
    }
    ch.advanceTimeBy(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_HELLO_REQUIRED));
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.registry.size()).isZero();
  }

  @Test
  void helloInTime_stopsTheHelloDeadline() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.freezeTime();
    ch.advanceTimeBy(HELLO_TIMEOUT.toMillis() - 1, TimeUnit.MILLISECONDS);
    ch.writeInbound(encoded(PosFixture.hello("T-1")));
    ch.advanceTimeBy(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(written(ch)).singleElement().satisfies(f -> assertThat(f.hasWelcome()).isTrue());
    assertThat(ch.isOpen()).isTrue();
    assertThat(ch.pipeline().get(HelloTimeoutHandler.class)).isNull();
    assertThat(fx.counter(RelayMeters.HELLO_TIMEOUTS)).isZero();
  }

  @Test
  void pingBeforeHello_isAnsweredWithHelloRequired_andCounted() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(encoded(PosFrame.newBuilder()
        .setPing(io.posrelay.pos.v1.Ping.newBuilder().setNonce(1)).build()));
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_HELLO_REQUIRED));
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.counter(RelayMeters.FRAMES_REJECTED, "code", "hello_required")).isEqualTo(1);
  }

  @Test
  void frameOfAnUnknownType_isAnsweredWithMalformedFrame_andCounted() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(encoded(PosFixture.hello("T-1")));
    written(ch);
    // Length 2: PosFrame field 15 (not in pos.proto), varint 1. It parses, with no known field.
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x02, 0x78, 0x01}));
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_MALFORMED_FRAME));
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.counter(RelayMeters.FRAMES_REJECTED, "code", "malformed_frame")).isEqualTo(1);
  }

  @Test
  void frameAtTheMaximumSize_isAccepted_oneByteMoreIsRejected() throws IOException {
    EmbeddedChannel ch = new EmbeddedChannel(initializer(10));
    ch.writeInbound(encoded(PosFixture.hello("T-1")));
    written(ch);
    // A Ping padded with an unknown length-delimited field to exactly MAX_FRAME_BYTES.
    byte[] ping = PosFrame.newBuilder().setPing(io.posrelay.pos.v1.Ping.newBuilder().setNonce(3))
        .build().toByteArray();
    int padding = MAX_FRAME_BYTES - ping.length - 3; // tag 0x7a + 2-byte length
    ByteBuf frame = Unpooled.buffer();
    frame.writeBytes(new byte[] {(byte) 0x80, 0x02}).writeBytes(ping) // length 256
        .writeByte(0x7a).writeByte((padding & 0x7F) | 0x80).writeByte(padding >>> 7)
        .writeZero(padding);
    ch.writeInbound(frame);
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getPong().getNonce()).isEqualTo(3));
    ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x81, 0x02})); // 257
    assertThat(written(ch)).singleElement()
        .satisfies(f -> assertThat(f.getError().getCode())
            .isEqualTo(Error.Code.CODE_FRAME_TOO_LARGE));
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void connectionOverTheLimit_isCounted() throws IOException {
    PosChannelInitializer init = initializer(1);
    new EmbeddedChannel(init);
    EmbeddedChannel second = new EmbeddedChannel(init);
    written(second);
    assertThat(fx.counter(RelayMeters.ERRORS_SENT, "code", "overloaded")).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.CONNECTIONS_REJECTED)).isEqualTo(1);
    assertThat(fx.meterRegistry.find(RelayMeters.CONNECTIONS_OPEN).gauge().value()).isEqualTo(1);
  }
}
