package io.posrelay.testkit.pos;

import io.netty.channel.Channel;
import io.posrelay.pos.v1.PosFrame;
import java.nio.channels.ClosedChannelException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inquiries (protocol version 2) of one simulated terminal's connection: each request gets
 * a fresh request_id, and the answer frame with that request_id (a response, or an Error)
 * completes its future. A closed connection fails what is still waiting.
 *
 * <p>Thread-safe.
 */
final class PosInquiries {
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, CompletableFuture<PosFrame>> waiting = new ConcurrentHashMap<>();

  /**
   * Sends {@code request} with a fresh request_id.
   *
   * @param channel the welcomed connection
   * @param request sets the request_id on the request it builds, e.g. {@code id ->
   *     PosFrame.newBuilder().setRecentRequest(…setRequestId(id))…}
   * @return the answer frame: StatusResponse, RecentResponse or Error with the request_id
   */
  CompletableFuture<PosFrame> send(Channel channel,
      java.util.function.Function<String, PosFrame> request) {
    String requestId = "sim-" + sequence.incrementAndGet();
    CompletableFuture<PosFrame> answer = new CompletableFuture<>();
    waiting.put(requestId, answer);
    channel.writeAndFlush(request.apply(requestId)).addListener(f -> {
      if (!f.isSuccess()) {
        waiting.remove(requestId);
        answer.completeExceptionally(f.cause());
      }
    });
    return answer;
  }

  /** An answer frame arrived; returns false if no request waits for it. */
  boolean onAnswer(String requestId, PosFrame frame) {
    CompletableFuture<PosFrame> answer = waiting.remove(requestId);
    return answer != null && answer.complete(frame);
  }

  /** The connection closed: every request still waiting fails. */
  void onClosed() {
    for (String requestId : waiting.keySet()) {
      CompletableFuture<PosFrame> answer = waiting.remove(requestId);
      if (answer != null) {
        answer.completeExceptionally(new ClosedChannelException());
      }
    }
  }
}
