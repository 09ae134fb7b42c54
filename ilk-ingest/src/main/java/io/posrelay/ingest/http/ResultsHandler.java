package io.posrelay.ingest.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import io.posrelay.ingest.callback.IlkCallbackMapper;
import io.posrelay.ingest.callback.InvalidCallbackException;
import io.posrelay.ingest.callback.MaskedCardNumbers;
import io.posrelay.ingest.callback.ResultLogFields;
import io.posrelay.ingest.kafka.PaymentResultPublisher;
import io.posrelay.ingest.kafka.PublishRejectedException;
import io.posrelay.ingest.metrics.IngestMeters;
import io.posrelay.ingest.metrics.IngestMeters.Outcome;
import io.posrelay.runtime.log.ThrottledLog;
import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.PaymentResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles {@code POST /ilk/v1/results} (already routed, JSON): maps the body to a {@link
 * PaymentResult}, publishes it and answers 202 {@code {"resultId"}} only once the broker acked.
 *
 * <p>400 for an invalid body; 503 with {@code Retry-After} when the publish fails, is rejected
 * (in-flight limit, shutting down) or is not acked within the publish timeout. The answer is
 * always written on the channel's event loop, which never blocks. While a callback waits for its
 * ack, reading from the connection is paused (autoRead off; a {@code FlowControlHandler} holds
 * already-decoded requests), so pipelined requests are answered in order. One instance per
 * connection; used on its event loop only.
 */
final class ResultsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger log = LoggerFactory.getLogger(ResultsHandler.class);
  /** Shared by all connections: one summary line per second, however many clients misbehave. */
  private static final ThrottledLog invalidCallbacks = new ThrottledLog(log);

  private final IlkCallbackMapper mapper;
  private final PaymentResultPublisher publisher;
  private final IngestMeters meters;
  private final long publishTimeoutMillis;

  ResultsHandler(IlkCallbackMapper mapper, PaymentResultPublisher publisher, IngestMeters meters,
      Duration publishTimeout) {
    this.mapper = mapper;
    this.publisher = publisher;
    this.meters = meters;
    this.publishTimeoutMillis = publishTimeout.toMillis();
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long receivedNanos = System.nanoTime();
    HttpVersion version = request.protocolVersion();
    PaymentResult result;
    try {
      result = mapper.map(request.content());
    } catch (InvalidCallbackException e) {
      meters.request(Outcome.INVALID, System.nanoTime() - receivedNanos);
      invalidCallbacks.warn("rejected ILK callback from {}: {} {}", ctx.channel().remoteAddress(),
          e.error(), e.getMessage());
      ctx.writeAndFlush(IngestResponses.invalid(version, e));
      return;
    }
    ctx.channel().config().setAutoRead(false);
    CompletableFuture<Void> acked = publisher.publish(result);
    ScheduledFuture<?> timeout = ctx.executor().schedule(
        () -> acked.completeExceptionally(new PublishTimeoutException(publishTimeoutMillis)),
        publishTimeoutMillis, TimeUnit.MILLISECONDS);
    acked.whenComplete((ignored, error) -> {
      if (ctx.executor().inEventLoop()) {
        answer(ctx, version, result, error, timeout, receivedNanos);
      } else {
        try {
          ctx.executor().execute(
              () -> answer(ctx, version, result, error, timeout, receivedNanos));
        } catch (RejectedExecutionException e) {
          try (LogContext fields = ResultLogFields.of(result)) {
            log.debug("event loop gone; no answer for result_id={}", result.getResultId());
          }
        }
      }
    });
  }

  private void answer(ChannelHandlerContext ctx, HttpVersion version, PaymentResult result,
      @Nullable Throwable error, ScheduledFuture<?> timeout, long receivedNanos) {
    timeout.cancel(false);
    long tookNanos = System.nanoTime() - receivedNanos;
    FullHttpResponse response;
    if (error == null) {
      meters.request(Outcome.ACCEPTED, tookNanos);
      response = IngestResponses.accepted(version, result.getResultId());
    } else if (error instanceof PublishRejectedException rejected) {
      meters.request(Outcome.OVERLOADED, tookNanos);
      response = IngestResponses.unavailable(version, rejected.getMessage(),
          IngestResponses.RETRY_AFTER_OVERLOADED_SECONDS, rejected.shuttingDown());
    } else {
      meters.request(Outcome.UNAVAILABLE, tookNanos);
      if (error instanceof PublishTimeoutException && log.isDebugEnabled()) {
        try (LogContext ignored = ResultLogFields.of(result)) {
          log.debug("publish timed out result_id={} terminal_id={} transaction_id={}",
              result.getResultId(), MaskedCardNumbers.redact(result.getTerminalId()),
              MaskedCardNumbers.redact(result.getTransactionId()));
        }
      }
      response = IngestResponses.unavailable(version,
          "result not stored: Kafka unavailable or slow; retry later",
          IngestResponses.RETRY_AFTER_UNAVAILABLE_SECONDS, false);
    }
    ctx.writeAndFlush(response).addListener((ChannelFutureListener) written -> {
      if (written.isSuccess()) {
        written.channel().config().setAutoRead(true);
      } else {
        written.channel().close();
      }
    });
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
