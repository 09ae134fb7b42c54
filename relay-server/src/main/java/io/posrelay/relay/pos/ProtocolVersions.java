package io.posrelay.relay.pos;

/**
 * The POS protocol versions this node speaks and how a session's version is chosen from Hello.
 *
 * <p>Version 1 is the original protocol (Hello, Welcome, PaymentResult, Ack, Ping, Pong, Error);
 * version 2 adds the inquiries StatusRequest and RecentRequest and their answers, and Error
 * frames with a request_id that leave the session open. Stateless.
 */
public final class ProtocolVersions {
  /** The original protocol: deliveries only. */
  public static final int V1 = 1;
  /** Adds StatusRequest/StatusResponse and RecentRequest/RecentResponse. */
  public static final int V2 = 2;
  /** The highest version this node speaks. */
  public static final int HIGHEST = V2;

  private ProtocolVersions() {}

  /**
   * The version of a session: the lower of the terminal's and {@link #HIGHEST}; a terminal that
   * sent none (0) speaks version 1.
   *
   * @param offered {@code Hello.protocol_version}, a uint32 read as a Java int (values above
   *     {@code Integer.MAX_VALUE} arrive negative and mean "very high")
   * @return 1 or 2
   */
  public static int negotiate(int offered) {
    long unsigned = Integer.toUnsignedLong(offered);
    if (unsigned == 0) {
      return V1;
    }
    return (int) Math.min(unsigned, HIGHEST);
  }
}
