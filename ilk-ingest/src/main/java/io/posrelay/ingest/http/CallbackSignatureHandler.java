package io.posrelay.ingest.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.posrelay.ingest.callback.InvalidCallbackException;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import io.posrelay.ingest.signature.CallbackSignatureVerifier;
import io.posrelay.runtime.log.ThrottledLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a callback ({@code POST /ilk/v1/results}, already routed) through to {@link
 * ResultsHandler} only if its signature verifies; otherwise answers 401 with {@code {"error":
 * "unauthenticated", "field": "<header>", "message": …}}, counts {@code
 * outcome=unauthenticated} and drops the request unparsed. In the pipeline only when secrets are
 * configured. The connection stays open. One instance per connection.
 */
final class CallbackSignatureHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(CallbackSignatureHandler.class);
  /** Shared by all connections: one summary line per second, however many clients misbehave. */
  private static final ThrottledLog rejections = new ThrottledLog(log);

  private final CallbackSignatureVerifier verifier;
  private final IngestMeters meters;

  CallbackSignatureHandler(CallbackSignatureVerifier verifier, IngestMeters meters) {
    this.verifier = verifier;
    this.meters = meters;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      verifier.verify(request.headers(), request.content());
    } catch (InvalidCallbackException e) {
      try {
        meters.request(Outcome.UNAUTHENTICATED);
        // The message names the header and the problem, never its value.
        rejections.warn("rejected unauthenticated ILK callback from {}: {}",
            ctx.channel().remoteAddress(), e.getMessage());
        ctx.writeAndFlush(IngestResponses.invalid(request.protocolVersion(), e));
      } finally {
        ReferenceCountUtil.release(request);
      }
      return;
    }
    ctx.fireChannelRead(request);
  }
}
