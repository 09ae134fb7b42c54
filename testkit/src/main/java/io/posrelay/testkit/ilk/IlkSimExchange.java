package io.posrelay.testkit.ilk;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One request of {@link IlkSimClient}, from acquiring a connection to its outcome: acquire a
 * pooled connection, write the request, wait for the full response or a failure or the timeout,
 * then give the connection back (closed first unless it stays usable) and report the outcome
 * once.
 *
 * <p>Confined to the client's I/O thread after {@link #start}; the timeout covers the whole
 * exchange, connecting and the TLS handshake included, as the JDK client's request timeout did.
 */
final class IlkSimExchange {
  private final ChannelPool pool;
  private final FullHttpRequest request;
  private final IlkSimClient.Outcome outcome;
  private @Nullable ScheduledFuture<?> timeout;
  private @Nullable Channel channel;
  private @Nullable IlkSimChannelHandler handler;
  private long timeoutNanos;
  private boolean written;
  private boolean done;

  IlkSimExchange(ChannelPool pool, FullHttpRequest request, IlkSimClient.Outcome outcome) {
    this.pool = pool;
    this.request = request;
    this.outcome = outcome;
  }

  /** Starts the timeout and acquires a connection; on the I/O thread. */
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
      // Timed out while connecting: the connection itself is fine.
      pool.release(ch);
      return;
    }
    channel = ch;
    IlkSimChannelHandler h = ch.pipeline().get(IlkSimChannelHandler.class);
    if (h == null) {
      // Closed and torn down between the pool's health check and now.
      failed(new ClosedChannelException());
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

  /** The full response to this request arrived on its connection. */
  void responded(FullHttpResponse response) {
    if (end(HttpUtil.isKeepAlive(response))) {
      outcome.onResponse(response.status().code(), response.content());
    }
  }

  /** The exchange failed: its connection is closed, not reused. */
  void failed(Throwable cause) {
    if (end(false)) {
      outcome.onFailure(cause);
    }
  }

  private void timedOut() {
    failed(new TimeoutException(
        "no response within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
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
      IlkSimChannelHandler h = handler;
      if (h != null) {
        h.end();
      }
      if (!connectionReusable) {
        ch.close();
      }
      // The pool's release health check drops a closed connection instead of offering it.
      pool.release(ch);
    }
    return true;
  }
}
