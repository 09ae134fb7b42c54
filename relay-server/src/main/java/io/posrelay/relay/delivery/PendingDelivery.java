package io.posrelay.relay.delivery;

import io.netty.util.concurrent.ScheduledFuture;
import io.posrelay.v1.PaymentResult;
import org.jspecify.annotations.Nullable;

/** A result written to a session and awaiting the terminal's ack. Event-loop confined. */
final class PendingDelivery {
  final PaymentResult result;
  /** {@link System#nanoTime()} when the result was written. */
  final long writtenAtNanos;

  @Nullable ScheduledFuture<?> ackTimeout;

  PendingDelivery(PaymentResult result, long writtenAtNanos) {
    this.result = result;
    this.writtenAtNanos = writtenAtNanos;
  }

  void cancelTimeout() {
    ScheduledFuture<?> timeout = ackTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
  }
}
