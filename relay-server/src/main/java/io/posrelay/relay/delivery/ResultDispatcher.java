package io.posrelay.relay.delivery;

import io.posrelay.v1.PaymentResult;

/** Takes a payment result read from Kafka and hands it to whoever delivers it. */
@FunctionalInterface
public interface ResultDispatcher {

  /**
   * Dispatches one result. Called on the results consumer thread: must not block on a socket
   * or an ack; any delivery work is handed to the terminal's event loop.
   *
   * @param result a result as read from {@code posrelay.results}
   */
  void dispatch(PaymentResult result);
}
