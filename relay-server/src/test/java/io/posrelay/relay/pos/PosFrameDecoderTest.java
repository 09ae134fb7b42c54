package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PosFrameDecoderTest {

  private static byte[] framed(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
    ByteBuf buf = Unpooled.buffer();
    int length = bytes.length;
    while ((length & ~0x7F) != 0) {
      buf.writeByte((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    buf.writeByte(length);
    buf.writeBytes(bytes);
    byte[] out = new byte[buf.readableBytes()];
    buf.readBytes(out);
    buf.release();
    return out;
  }

  private static String readFrame(EmbeddedChannel ch) {
    ByteBuf frame = ch.readInbound();
    assertThat(frame).as("a decoded frame").isNotNull();
    try {
      return frame.toString(StandardCharsets.US_ASCII);
    } finally {
      frame.release();
    }
  }

  @Test
  void wholeFrame_isDecodedWithoutItsPrefix() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(1024));
    ch.writeInbound(Unpooled.wrappedBuffer(framed("hello")));
    assertThat(readFrame(ch)).isEqualTo("hello");
    assertThat(ch.<Object>readInbound()).isNull();
    assertThat(ch.finish()).isFalse();
  }

  @Test
  void frameSplitAcrossReads_isDecodedOnceComplete() {
    String body = "x".repeat(300); // a two-byte prefix: 0xAC 0x02
    byte[] bytes = framed(body);
    assertThat(bytes[0] & 0xFF).isEqualTo(0xAC);
    assertThat(bytes[1]).isEqualTo((byte) 0x02);
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(1024));
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 1)); // half of the prefix
    assertThat(ch.<Object>readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, 1, 100));
    assertThat(ch.<Object>readInbound()).isNull();
    ch.writeInbound(Unpooled.wrappedBuffer(bytes, 101, bytes.length - 101));
    assertThat(readFrame(ch)).isEqualTo(body);
    ch.finishAndReleaseAll();
  }

  @Test
  void severalFramesInOneBuffer_areAllDecoded() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(1024));
    ch.writeInbound(Unpooled.wrappedBuffer(
        Unpooled.wrappedBuffer(framed("a")),
        Unpooled.wrappedBuffer(framed("")),
        Unpooled.wrappedBuffer(framed("ccc"))));
    assertThat(readFrame(ch)).isEqualTo("a");
    assertThat(readFrame(ch)).isEqualTo("");
    assertThat(readFrame(ch)).isEqualTo("ccc");
    ch.finishAndReleaseAll();
  }

  @Test
  void frameOfExactlyMaxBytes_isAccepted() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(200));
    ch.writeInbound(Unpooled.wrappedBuffer(framed("y".repeat(200))));
    assertThat(readFrame(ch)).hasSize(200);
    ch.finishAndReleaseAll();
  }

  @Test
  void oversizedLengthPrefix_failsBeforeTheBodyArrives_andDiscardsTheRest() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(200));
    byte[] bytes = framed("z".repeat(201));
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 2)))
        .isInstanceOf(TooLongFrameException.class)
        .hasMessageContaining("201");
    // Later bytes, even a valid frame, are discarded: the stream cannot be resynchronised.
    ch.writeInbound(Unpooled.wrappedBuffer(framed("ok")));
    assertThat(ch.<Object>readInbound()).isNull();
    ch.finishAndReleaseAll();
  }

  @Test
  void varintLongerThanFiveBytes_isMalformed() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(1024));
    byte[] garbage = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01};
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(garbage)))
        .isInstanceOf(CorruptedFrameException.class)
        .hasMessageContaining("malformed varint32");
    ch.finishAndReleaseAll();
  }

  @Test
  void varintOfNegativeLength_isMalformed() {
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(1024));
    byte[] negative = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(negative)))
        .isInstanceOf(CorruptedFrameException.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void textGarbage_isRejectedAsTooLarge() {
    // "GET / HTTP/1.1": 'G' = 0x47 is a one-byte length of 71, over a 64-byte maximum.
    EmbeddedChannel ch = new EmbeddedChannel(new PosFrameDecoder(64));
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.copiedBuffer(
            "GET / HTTP/1.1\r\n".repeat(10), StandardCharsets.US_ASCII)))
        .isInstanceOf(TooLongFrameException.class);
    ch.finishAndReleaseAll();
  }

  @Test
  void nonPositiveMaximum_isRejected() {
    assertThatThrownBy(() -> new PosFrameDecoder(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxFrameBytes: 0 (expected: >= 1)");
  }
}
