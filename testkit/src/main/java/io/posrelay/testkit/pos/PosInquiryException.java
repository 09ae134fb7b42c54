package io.posrelay.testkit.pos;

import io.posrelay.pos.v1.Error;

/**
 * An inquiry the relay node answered with an Error frame carrying its request_id (protocol
 * version 2): CODE_UNAVAILABLE (ask again later) or CODE_INVALID_REQUEST. The session stays open.
 */
public final class PosInquiryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Error.Code code;

  /** @param error the Error frame's message */
  public PosInquiryException(Error error) {
    super(error.getCode() + ": " + error.getMessage());
    this.code = error.getCode();
  }

  /** The Error's code. */
  public Error.Code code() {
    return code;
  }
}
