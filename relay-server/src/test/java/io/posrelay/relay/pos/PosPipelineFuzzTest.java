package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
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
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole inbound path of a POS connection — frame decoder,
 * protobuf decoder, Hello deadline, Hello validation and authentication, session handler —
 * through {@link EmbeddedChannel}, with authentication on. Every input, cut into arbitrary
 * chunks, must end in one of two ways once the Hello deadline has passed: the connection is open
 * with a session (Welcome sent, only Welcome and Pongs written), or exactly one Error frame was
 * written last, counted, and the connection is closed. Never an exception out of the pipeline,
 * never a frame that does not parse, the decoder never holds more than one frame's worth of
 * bytes, and nothing (session, connection slot, channel) is left behind.
 *
 * <p>The fuzzer's input first picks a {@link Shape}, then builds it ({@link PosFuzzInputs}). Run
 * by the surefire execution {@code fuzz} in fuzzing mode; a failing input is written to {@code
 * src/test/resources/io/posrelay/relay/pos/PosPipelineFuzzTestInputs/
 * anyInput_endsInASessionOrInOneErrorAndClose/} and replayed from there on every later run.
 */
class PosPipelineFuzzTest {
  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(5);

  private final PosFixture fx = new PosFixture().withAuth();
  private final ConnectionLimitHandler connectionLimit = new ConnectionLimitHandler(10, fx.meters);
  private final DefaultChannelGroup channels =
      new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  /** What the fuzzer's input is read as, and what must hold for it. */
  enum Shape {
    /** Up to 700 bytes, frames up to 256 bytes: a session, or one Error and close. */
    ARBITRARY_BYTES,
    /** A frame stream (Hello, any frames) with bytes flipped, inserted, cut, repeated: the same. */
    MUTATED_FRAME_STREAM,
    /** A welcomed Hello, then Pings, Pongs and Acks, cut anywhere: a session, Pings answered. */
    VALID_FRAME_STREAM,
    /** One Hello, in one piece: welcomed exactly when valid and authenticated. */
    HELLO
  }

  /**
   * The one fuzz target (Jazzer fuzzes one per JVM). 50,000 inputs in the {@code fuzz}
   * execution; an input running over 10 s is a finding (a hang).
   */
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  // Tags, length prefixes and ids as bytes; an inline @DictionaryEntries string could not hold
  // bytes 0x80-0xff (Jazzer writes it as UTF-8) nor a line feed.
  @DictionaryFile(resourcePath = "PosPipelineFuzzTest.dict")
  @FuzzTest(maxExecutions = 50_000)
  void anyInput_endsInASessionOrInOneErrorAndClose(FuzzedDataProvider data) {
    switch (data.pickValue(Shape.values())) {
      case ARBITRARY_BYTES -> run(chunks(data, 6, 300), data.consumeBytes(700), 256);
      case MUTATED_FRAME_STREAM ->
          run(chunks(data, 6, 2_000), PosFuzzInputs.mutatedStream(data), 16_384);
      case VALID_FRAME_STREAM -> validFrameStream_cutAnywhere_isAllAnswered(
          chunks(data, 8, 64), PosFuzzInputs.validStream(data));
      case HELLO -> hello_isWelcomedExactlyWhenValidAndAuthenticated(PosFuzzInputs.hello(data));
    }
    assertThat(fx.registry.size()).as("sessions left behind").isZero();
    assertThat(connectionLimit.openConnections()).as("connection slots left taken").isZero();
    assertThat(channels.isEmpty()).as("channels left open").isTrue();
  }

  private void validFrameStream_cutAnywhere_isAllAnswered(List<Integer> chunks,
      List<PosFrame> frames) {
    Outcome outcome = run(chunks, encode(frames), 16_384);
    assertThat(outcome.open).as("a valid stream keeps its session").isTrue();
    long pings = frames.stream().filter(PosFrame::hasPing).count();
    assertThat(outcome.written).hasSize(1 + (int) pings);
  }

  private void hello_isWelcomedExactlyWhenValidAndAuthenticated(PosFrame hello) {
    Outcome outcome = run(List.of(Integer.MAX_VALUE), encode(List.of(hello)), 16_384);
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

  /** 1..{@code maxCount} chunk lengths of 1..{@code maxLength} bytes, used in turn. */
  private static List<Integer> chunks(FuzzedDataProvider data, int maxCount, int maxLength) {
    List<Integer> chunks = new ArrayList<>();
    for (int i = data.consumeInt(1, maxCount); i > 0; i--) {
      chunks.add(data.consumeInt(1, maxLength));
    }
    return chunks;
  }

  /** The outcome of one connection, after the oracle's checks passed. */
  private record Outcome(boolean open, List<PosFrame> written) {}

  private Outcome run(List<Integer> chunks, byte[] input, int maxFrameBytes) {
    double errorsBefore = errorsSent();
    // Each connection is judged alone: the failed authentications of earlier tries (all from
    // the one embedded address) have left the rate limit's window.
    fx.authNanos.addAndGet(Duration.ofMinutes(2).toNanos());
    PosChannelInitializer init = new PosChannelInitializer(PosFixture.NODE_ID, maxFrameBytes,
        PosFixture.HEARTBEAT_MILLIS, channels, connectionLimit, fx.registry, fx.tracker,
        fx.sessions, fx.recovery, Duration.ofSeconds(10), fx.meters, fx.clock, null, HELLO_TIMEOUT,
        fx.authenticator, fx.inquiries);
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
