package io.posrelay.relay.inquiry;

import io.posrelay.relay.delivery.PosSession;
import io.posrelay.relay.metrics.InquiryMeters;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The node's side of status inquiries (protocol version 2): the ledger client, the node-wide
 * bound on inquiries in flight, the meters and the ack path; {@link #open} gives each v2 session
 * its own {@link SessionInquiries}.
 *
 * <p>Without a ledger (no {@code admin.address}) every inquiry is answered with Error
 * CODE_UNAVAILABLE: the node cannot know, and must not guess.
 *
 * <p>Thread-safe: the in-flight count is atomic; everything else is immutable.
 */
public final class Inquiries {
  private final @Nullable LedgerLookup ledger;
  private final InquiryLimits limits;
  private final InquiryMeters meters;
  private final InquiryAcks acks;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * @param ledger where inquiries are answered from; null = inquiries off (CODE_UNAVAILABLE)
   * @param limits the bounds on inquiries in flight
   * @param meters where inquiries are counted; the in-flight gauge is registered here
   * @param acks turns the ack of a result learnt of by an inquiry into its delivery
   */
  public Inquiries(@Nullable LedgerLookup ledger, InquiryLimits limits, InquiryMeters meters,
      InquiryAcks acks) {
    this.ledger = ledger;
    this.limits = limits;
    this.meters = meters;
    this.acks = acks;
    meters.inFlightGauge(inFlight::get);
  }

  /**
   * The inquiry state of one new session that speaks protocol version 2. Call on the session's
   * event loop.
   *
   * @param session the session, just welcomed
   * @return its inquiries, confined to the session's event loop
   */
  public SessionInquiries open(PosSession session) {
    return new SessionInquiries(this, session);
  }

  /** Inquiries asked of admin-api and not yet answered, on this node. */
  public int inFlight() {
    return inFlight.get();
  }

  @Nullable LedgerLookup ledger() {
    return ledger;
  }

  InquiryLimits limits() {
    return limits;
  }

  InquiryMeters meters() {
    return meters;
  }

  InquiryAcks acks() {
    return acks;
  }

  /** Takes a node-wide slot; {@code false} if all {@code maxInFlight} are taken. */
  boolean tryAcquire() {
    while (true) {
      int now = inFlight.get();
      if (now >= limits.maxInFlight()) {
        return false;
      }
      if (inFlight.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #tryAcquire}; any thread. */
  void release() {
    inFlight.decrementAndGet();
  }
}
