package io.posrelay.testkit.pos;

import com.google.common.net.HostAndPort;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.protobuf.ProtobufDecoder;
import io.netty.handler.codec.protobuf.ProtobufEncoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32FrameDecoder;
import io.netty.handler.codec.protobuf.ProtobufVarint32LengthFieldPrepender;
import io.netty.handler.ssl.SslContext;
import io.posrelay.pos.v1.PosFrame;
import org.jspecify.annotations.Nullable;

/**
 * The pipeline of a simulated terminal's connection: TLS when configured (first, checking the
 * node's certificate against the trusted CA and the address connected to), the POS protocol's
 * framing (varint32 length prefix + one {@link PosFrame}) and the {@link PosTerminalHandler}.
 *
 * <pre>
 *  bytes on the wire:  [varint32 length][PosFrame bytes][varint32 length][PosFrame bytes]…
 *  inbound:  ProtobufVarint32FrameDecoder → ProtobufDecoder(PosFrame) → PosTerminalHandler
 *  outbound: PosFrame → ProtobufEncoder → ProtobufVarint32LengthFieldPrepender → socket
 * </pre>
 *
 * <p>The simulator trusts the relay node it talks to, so it sets no maximum frame size.
 */
final class PosSimChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final PosTerminal terminal;
  private final @Nullable SslContext tls;
  private final HostAndPort address;

  /**
   * @param terminal the simulated terminal
   * @param tls client TLS context, or {@code null} for plain TCP
   * @param address the node connected to: the name or IP its certificate must carry
   */
  PosSimChannelInitializer(PosTerminal terminal, @Nullable SslContext tls, HostAndPort address) {
    this.terminal = terminal;
    this.tls = tls;
    this.address = address;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (tls != null) {
      pipeline.addLast("tls", tls.newHandler(channel.alloc(), address.getHost(), address.getPort()));
    }
    pipeline.addLast("frameDecoder", new ProtobufVarint32FrameDecoder());
    pipeline.addLast("protobufDecoder", new ProtobufDecoder(PosFrame.getDefaultInstance()));
    pipeline.addLast("framePrepender", new ProtobufVarint32LengthFieldPrepender());
    pipeline.addLast("protobufEncoder", new ProtobufEncoder());
    pipeline.addLast("terminal", new PosTerminalHandler(terminal));
  }
}
