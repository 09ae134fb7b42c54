package io.posrelay.ingest.receipt;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One POST of {@link NettyReceiptPoster}, from acquiring a connection to its outcome: acquire a
 * pooled connection, write the request, wait for the whole answer, a failure or the deadline, then
 * give the connection back (closed first unless it stays usable) and complete the outcome once.
 *
 * <p>Confined to the poster's I/O thread after {@link #start}; the deadline covers the whole
 * exchange, connecting and the TLS handshake included.
 */
final class ReceiptExchange {
  private final ChannelPool pool;
  private final FullHttpRequest request;
  private final CompletableFuture<SendOutcome> outcome;
  private @Nullable ScheduledFuture<?> timeout;
  private @Nullable Channel channel;
  private @Nullable ReceiptConnectionHandler handler;
  private long timeoutNanos;
  private boolean written;
  private boolean done;

  ReceiptExchange(ChannelPool pool, FullHttpRequest request,
      CompletableFuture<SendOutcome> outcome) {
    this.pool = pool;
    this.request = request;
    this.outcome = outcome;
  }

  /** Starts the deadline and acquires a connection; on the I/O thread. */
  void start(EventLoop loop, long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
    timeout = loop.schedule(this::timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
    Future<Channel> acquire = pool.acquire();
    acquire.addListener(f -> acquired(acquire));
  }

  private void acquired(Future<Channel> acquire) {
    if (!acquire.isSuccess()) {
      failed(acquire.cause());
      return;
    }
    Channel ch = acquire.getNow();
    if (done) {
      pool.release(ch); // timed out while connecting: the connection itself is fine
      return;
    }
    channel = ch;
    ReceiptConnectionHandler h = ch.pipeline().get(ReceiptConnectionHandler.class);
    if (h == null) {
      failed(new ClosedChannelException()); // closed between the health check and now
      return;
    }
    handler = h;
    h.begin(this);
    written = true;
    ch.writeAndFlush(request).addListener(w -> {
      if (!w.isSuccess()) {
        failed(w.cause());
      }
    });
  }

  /** ILK's whole answer to this request arrived on its connection. */
  void responded(int status, @Nullable String retryAfter, boolean keepAlive) {
    if (end(keepAlive)) {
      outcome.complete(SendOutcome.ofStatus(status, Optional.ofNullable(retryAfter)));
    }
  }

  /** The exchange failed: its connection is closed, not reused. */
  void failed(Throwable cause) {
    if (end(false)) {
      outcome.complete(SendOutcome.ofFailure(cause));
    }
  }

  private void timedOut() {
    failed(new TimeoutException(
        "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
  }

  /** Ends the exchange once: false if it had ended already. */
  private boolean end(boolean connectionReusable) {
    if (done) {
      return false;
    }
    done = true;
    ScheduledFuture<?> t = timeout;
    if (t != null) {
      t.cancel(false);
    }
    if (!written) {
      request.release();
    }
    Channel ch = channel;
    if (ch != null) {
      channel = null;
      ReceiptConnectionHandler h = handler;
      if (h != null) {
        h.end();
      }
      if (!connectionReusable) {
        ch.close();
      }
      pool.release(ch); // the release health check drops a closed connection
    }
    return true;
  }
}
