package io.posrelay.relay.inquiry;

/**
 * How many inquiries may wait for admin-api at once. One more is answered at once with Error
 * CODE_UNAVAILABLE, so that a burst of inquiries (a reconnect storm of terminals that all ask)
 * cannot pile up calls on admin-api or memory on the node.
 *
 * @param maxInFlight on the whole node ({@code max-concurrent-inquiries}), >= 1
 * @param maxInFlightPerSession on one terminal's session ({@code max-inquiries-per-session}),
 *     >= 1
 */
public record InquiryLimits(int maxInFlight, int maxInFlightPerSession) {
  /**
   * @throws IllegalArgumentException if a bound is below 1
   */
  public InquiryLimits {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    if (maxInFlightPerSession < 1) {
      throw new IllegalArgumentException(
          "maxInFlightPerSession: " + maxInFlightPerSession + " (expected: >= 1)");
    }
  }
}
