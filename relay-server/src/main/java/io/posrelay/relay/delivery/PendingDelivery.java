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
  /** The deferred CLAIMED claim, until it is sent or no longer needed. */
  @Nullable ScheduledFuture<?> claimTimer;

  PendingDelivery(PaymentResult result, long writtenAtNanos) {
    this.result = result;
    this.writtenAtNanos = writtenAtNanos;
  }

  /** Cancels the ack timeout and the deferred claim: the delivery has its outcome. */
  void cancelTimeout() {
    ScheduledFuture<?> timeout = ackTimeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    ScheduledFuture<?> claim = claimTimer;
    if (claim != null) {
      claim.cancel(false);
    }
  }
}
