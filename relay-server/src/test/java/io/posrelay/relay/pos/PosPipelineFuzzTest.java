package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.RelayMeters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/**
 * Fuzzes the whole inbound path of a POS connection — frame decoder, protobuf decoder, Hello
 * deadline, Hello validation and authentication, session handler — through {@link
 * EmbeddedChannel}, with authentication on. Every input, cut into arbitrary chunks, must end in
 * one of two ways once the Hello deadline has passed: the connection is open with a session
 * (Welcome sent, only Welcome and Pongs written), or exactly one Error frame was written last and
 * the connection is closed. Never an exception out of the pipeline, never a frame that does not
 * parse, and the decoder never holds more than one frame's worth of bytes.
 *
 * <p>The generated inputs live in {@link PosFuzzInputs}; failures found become {@link Example}s
 * here.
 */
class PosPipelineFuzzTest {
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);

  private final PosFixture fx = new PosFixture().withAuth();
  private final ConnectionLimitHandler connectionLimit = new ConnectionLimitHandler(10, fx.meters);
  private final DefaultChannelGroup channels =
      new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  @AfterProperty
  void noConnectionLeftBehind() {
    assertThat(fx.registry.size()).isZero();
    assertThat(connectionLimit.openConnections()).isZero();
    assertThat(channels.isEmpty()).as("channels left open").isTrue();
  }

  @Property(tries = 15_000, shrinking = ShrinkingMode.BOUNDED)
  void arbitraryBytes_endInASessionOrInOneErrorAndClose(
      @ForAll @Size(max = 700) byte[] input,
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 300) Integer> chunks) {
    run(input, chunks, 256);
  }

  @Property(tries = 15_000, shrinking = ShrinkingMode.BOUNDED)
  void mutatedFrameStreams_endInASessionOrInOneErrorAndClose(
      @ForAll("mutatedStreams") byte[] input,
      @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 2_000) Integer> chunks) {
    run(input, chunks, 16_384);
  }

  @Property(tries = 5_000, shrinking = ShrinkingMode.BOUNDED)
  void validFrameStreams_cutAnywhere_areAllAnswered(
      @ForAll("validStreams") List<PosFrame> frames,
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 64) Integer> chunks) {
    Outcome outcome = run(encode(frames), chunks, 16_384);
    assertThat(outcome.open).as("a valid stream keeps its session").isTrue();
    long pings = frames.stream().filter(PosFrame::hasPing).count();
    assertThat(outcome.written).hasSize(1 + (int) pings);
  }

  @Property(tries = 10_000, shrinking = ShrinkingMode.BOUNDED)
  void hellos_areWelcomedExactlyWhenValidAndAuthenticated(
      @ForAll("hellos") PosFrame hello) {
    Outcome outcome = run(encode(List.of(hello)), List.of(Integer.MAX_VALUE), 16_384);
    PosFuzzInputs.HelloVerdict expected = PosFuzzInputs.expectedVerdict(hello.getHello());
    PosFrame answer = outcome.written.get(0);
    switch (expected) {
      case WELCOME -> assertThat(answer.hasWelcome()).as("answer to %s", hello).isTrue();
      case INVALID -> assertThat(answer.getError().getCode().name())
          .as("answer to %s", hello).isEqualTo("CODE_INVALID_HELLO");
      case UNAUTHENTICATED -> assertThat(answer.getError().getCode().name())
          .as("answer to %s", hello).isEqualTo("CODE_UNAUTHENTICATED");
    }
  }

  @Provide
  Arbitrary<byte[]> mutatedStreams() {
    return PosFuzzInputs.mutatedStreams();
  }

  @Provide
  Arbitrary<List<PosFrame>> validStreams() {
    return PosFuzzInputs.validStreams();
  }

  @Provide
  Arbitrary<PosFrame> hellos() {
    return PosFuzzInputs.hellos();
  }

  /** The outcome of one connection, after the oracle's checks passed. */
  private record Outcome(boolean open, List<PosFrame> written) {}

  private Outcome run(byte[] input, List<Integer> chunks, int maxFrameBytes) {
    double errorsBefore = errorsSent();
    // Each connection is judged alone: the failed authentications of earlier tries (all from
    // the one embedded address) have left the rate limit's window.
    fx.authNanos.addAndGet(Duration.ofMinutes(2).toNanos());
    PosChannelInitializer init = new PosChannelInitializer(PosFixture.NODE_ID, maxFrameBytes,
        PosFixture.HEARTBEAT_MILLIS, channels, connectionLimit, fx.registry, fx.tracker,
        fx.sessions, fx.recovery, Duration.ofSeconds(10), fx.meters, fx.clock, null, HELLO_TIMEOUT,
        fx.authenticator);
    EmbeddedChannel ch = new EmbeddedChannel(init);
    ch.freezeTime();
    ByteBuf out = Unpooled.buffer();
    try {
      int offset = 0;
      for (int i = 0; offset < input.length && ch.isOpen(); i++) {
        int length = Math.min(chunks.get(i % chunks.size()), input.length - offset);
        ch.writeInbound(Unpooled.copiedBuffer(input, offset, length)); // rethrows escapes
        offset += length;
        drain(ch, out);
        PosFrameDecoder decoder = ch.pipeline().get(PosFrameDecoder.class);
        if (decoder != null) {
          assertThat(decoder.bufferedBytes()).isLessThan(maxFrameBytes + 5);
        }
        assertThat(ch.inboundMessages()).as("nothing reaches the pipeline's tail").isEmpty();
      }
      ch.advanceTimeBy(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      ch.runScheduledPendingTasks();
      ch.runPendingTasks();
      ch.checkException();
      drain(ch, out);
      List<PosFrame> written = parse(out);
      check(ch.isOpen(), written, errorsSent() - errorsBefore);
      return new Outcome(ch.isOpen(), written);
    } finally {
      out.release();
      ch.finishAndReleaseAll();
    }
  }

  private static void check(boolean open, List<PosFrame> written, double errorsCounted) {
    assertThat(written).as("the node always answers").isNotEmpty();
    List<PosFrame> beforeLast = written.subList(0, written.size() - 1);
    assertThat(beforeLast).as("frames before the last")
        .allMatch(f -> f.hasWelcome() || f.hasPong());
    if (open) {
      assertThat(written.get(0).hasWelcome()).as("an open connection has a session").isTrue();
      assertThat(written.get(written.size() - 1).hasError()).isFalse();
      assertThat(errorsCounted).isZero();
    } else {
      assertThat(written.get(written.size() - 1).hasError())
          .as("a closed connection got an Error last: %s", written).isTrue();
      assertThat(errorsCounted).as("the Error is counted").isEqualTo(1);
    }
  }

  private double errorsSent() {
    return fx.meterRegistry.find(RelayMeters.ERRORS_SENT).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static void drain(EmbeddedChannel ch, ByteBuf into) {
    for (Object msg; (msg = ch.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      into.writeBytes(buf);
      buf.release();
    }
  }

  private static List<PosFrame> parse(ByteBuf bytes) {
    List<PosFrame> frames = new ArrayList<>();
    try (ByteBufInputStream in = new ByteBufInputStream(bytes.duplicate())) {
      for (PosFrame f; (f = PosFrame.parseDelimitedFrom(in)) != null; ) {
        frames.add(f);
      }
    } catch (IOException e) {
      throw new AssertionError("the node wrote bytes that are not POS frames", e);
    }
    return frames;
  }

  static byte[] encode(List<PosFrame> frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (PosFrame frame : frames) {
        frame.writeDelimitedTo(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
