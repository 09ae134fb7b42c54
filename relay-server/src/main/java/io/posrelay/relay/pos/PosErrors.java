package io.posrelay.relay.pos;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.metrics.RelayMeters;

/** Ends a connection the protocol's way: one Error frame, then close. */
public final class PosErrors {
  private PosErrors() {}

  /**
   * Writes an Error frame through the whole pipeline (so the encoders apply wherever the caller
   * sits) and closes the channel once it is written, or at once if it cannot be. Counts it in
   * {@link RelayMeters#ERRORS_SENT}. Safe to call from any thread.
   *
   * @param channel the terminal's connection
   * @param code the Error code
   * @param message English text for the terminal's logs; never a secret
   * @param meters where the Error is counted
   * @return the future of the close
   */
  public static ChannelFuture sendAndClose(
      Channel channel, Error.Code code, String message, RelayMeters meters) {
    meters.sessions().errorSent(code);
    PosFrame frame =
        PosFrame.newBuilder()
            .setError(Error.newBuilder().setCode(code).setMessage(message))
            .build();
    channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    return channel.closeFuture();
  }
}
