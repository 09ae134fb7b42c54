package io.posrelay.relay.pos;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.List;

/**
 * Splits the TCP byte stream into frames by their protobuf varint32 length prefix, like Netty's
 * {@code ProtobufVarint32FrameDecoder}, but with a maximum frame size.
 *
 * <pre>
 * BEFORE DECODE (302 bytes)       AFTER DECODE (300 bytes)
 * +--------+---------------+      +---------------+
 * | Length | PosFrame      |----->| PosFrame      |
 * | 0xAC02 | (300 bytes)   |      | (300 bytes)   |
 * +--------+---------------+      +---------------+
 * </pre>
 *
 * <p>The length is a base-128 varint of at most 5 bytes, least significant group first, the
 * high bit of each byte set while more bytes follow ({@code 0xAC 0x02} = 44 + 2 × 128 = 300).
 * A length above {@code maxFrameBytes} fails with a {@link TooLongFrameException}; a varint
 * that does not end within 5 bytes, or encodes a negative length, fails with a {@link
 * CorruptedFrameException}. After either failure the decoder discards all further input: the
 * stream cannot be resynchronised, and the connection is to be closed. A zero length yields an
 * empty frame (a {@code PosFrame} with no field set), which the session handler rejects.
 *
 * <p>Not sharable: one instance per channel.
 */
public final class PosFrameDecoder extends ByteToMessageDecoder {
  private final int maxFrameBytes;
  private boolean failed;

  /**
   * @param maxFrameBytes largest accepted frame, excluding the length prefix, in bytes, >= 1
   * @throws IllegalArgumentException if {@code maxFrameBytes} < 1
   */
  public PosFrameDecoder(int maxFrameBytes) {
    if (maxFrameBytes < 1) {
      throw new IllegalArgumentException("maxFrameBytes: " + maxFrameBytes + " (expected: >= 1)");
    }
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int start = in.readerIndex();
    long length = 0;
    int shift = 0;
    int prefixBytes = 0;
    while (true) {
      if (!in.isReadable()) {
        in.readerIndex(start); // the prefix is incomplete: wait for more bytes
        return;
      }
      byte b = in.readByte();
      prefixBytes++;
      length |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        break;
      }
      shift += 7;
      if (prefixBytes == 5) {
        fail(in);
        throw new CorruptedFrameException("malformed varint32 length prefix (over 5 bytes)");
      }
    }
    if (length > Integer.MAX_VALUE) {
      fail(in);
      throw new CorruptedFrameException("malformed varint32 length prefix (negative length)");
    }
    if (length > maxFrameBytes) {
      fail(in);
      throw new TooLongFrameException(
          "frame length " + length + " exceeds the maximum of " + maxFrameBytes + " bytes");
    }
    if (in.readableBytes() < length) {
      in.readerIndex(start);
      return;
    }
    out.add(in.readRetainedSlice((int) length));
  }

  /** Bytes held back waiting for the rest of a frame: less than maxFrameBytes + 5. */
  int bufferedBytes() {
    return internalBuffer().readableBytes();
  }

  private void fail(ByteBuf in) {
    failed = true;
    in.skipBytes(in.readableBytes());
  }
}
