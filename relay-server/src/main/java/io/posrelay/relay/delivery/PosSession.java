package io.posrelay.relay.delivery;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.posrelay.v1.FailureReason;
import io.posrelay.v1.PaymentResult;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One terminal's session on this node: a connection that has said a valid Hello.
 *
 * <p>The identity fields are immutable and safe to read from any thread. The delivery state
 * (results in flight, close reason) is confined to {@link #eventLoop()}: touch it only from
 * there.
 */
public final class PosSession {
  /** How many results that timed out are remembered so that a late ack still counts. */
  static final int MAX_TIMED_OUT = 1024;

  private final String terminalId;
  private final String merchantId;
  private final String sessionId;
  private final Channel channel;
  private final Instant connectedAt;

  // Event-loop confined.
  final Map<String, PendingDelivery> inFlight = new LinkedHashMap<>();
  final Map<String, PendingDelivery> timedOut =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PendingDelivery> eldest) {
          return size() > MAX_TIMED_OUT;
        }
      };
  /** While set, live results wait in {@link #heldLive} so recovered ones are written first. */
  boolean holdingLive;
  final ArrayDeque<PaymentResult> heldLive = new ArrayDeque<>();
  /** Whether the one follow-up recovery fetch (for young PENDING results) was scheduled. */
  boolean recoveryFollowUp;
  /** The recovery fetch waiting for its turn or running, if any. */
  RecoveryScheduler.@Nullable Ticket recoveryTicket;
  /** The recovery retry or follow-up waiting to run, if any. */
  @Nullable ScheduledFuture<?> recoveryTimer;
  /** Whether the session's last recovery fetch failed and will be retried. */
  boolean recoveryFailing;
  /** Whether a result failed elsewhere while a fetch was under way: fetch again after it. */
  boolean recoveryRefetch;
  private @Nullable FailureReason closeReason;
  private boolean ended;

  /**
   * @param terminalId the terminal (TID) from Hello, already validated
   * @param merchantId the merchant (MID) from Hello; empty if none
   * @param sessionId unique id of this session, sent in Welcome and in claims
   * @param channel the terminal's connection
   * @param connectedAt when the Hello was accepted
   */
  public PosSession(
      String terminalId,
      String merchantId,
      String sessionId,
      Channel channel,
      Instant connectedAt) {
    this.terminalId = terminalId;
    this.merchantId = merchantId;
    this.sessionId = sessionId;
    this.channel = channel;
    this.connectedAt = connectedAt;
  }

  /** The terminal (TID). */
  public String terminalId() {
    return terminalId;
  }

  /** The merchant (MID) from Hello; empty if the terminal sent none. */
  public String merchantId() {
    return merchantId;
  }

  /** The session id (a UUID) sent in Welcome. */
  public String sessionId() {
    return sessionId;
  }

  /** The terminal's connection. */
  public Channel channel() {
    return channel;
  }

  /** The event loop that owns this session's delivery state. */
  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** When the Hello was accepted. */
  public Instant connectedAt() {
    return connectedAt;
  }

  /**
   * Marks this session as closing, so that results still in flight fail with {@code reason}
   * instead of {@link FailureReason#FAILURE_REASON_CONNECTION_LOST}. The first reason wins. Call
   * on {@link #eventLoop()}, before closing the channel.
   *
   * @param reason why the node is closing this session
   * @return {@code true} if this call set the reason, {@code false} if the session was already
   *     closing for another
   */
  public boolean markClosing(FailureReason reason) {
    if (closeReason == null) {
      closeReason = reason;
      return true;
    }
    return false;
  }

  /** {@code true} while results may be written to this session. Call on the event loop. */
  boolean isOpen() {
    return closeReason == null && !ended && channel.isActive();
  }

  /** The reason in-flight results fail with when the session ends. Call on the event loop. */
  FailureReason closeReason() {
    return closeReason == null ? FailureReason.FAILURE_REASON_CONNECTION_LOST : closeReason;
  }

  /** Marks the session ended; returns {@code false} if it already was. Event loop only. */
  boolean end() {
    if (ended) {
      return false;
    }
    ended = true;
    return true;
  }

  @Override
  public String toString() {
    return "PosSession{terminalId=" + terminalId + ", sessionId=" + sessionId + "}";
  }
}
