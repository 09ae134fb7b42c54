package io.posrelay.relay.inquiry;

import io.posrelay.admin.v1.Delivery;
import io.posrelay.ilk.v1.IlkResultIds;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.RecentRequest;
import io.posrelay.pos.v1.StatusRequest;
import io.posrelay.pos.v1.StatusResponse;
import io.posrelay.relay.delivery.PosSession;
import io.posrelay.relay.metrics.InquiryMeters.Kind;
import io.posrelay.relay.metrics.InquiryMeters.Outcome;
import io.posrelay.runtime.log.LogContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inquiries of one session (protocol version 2): StatusRequest and RecentRequest answered
 * from the ledger, and Acks of the undelivered results they told the terminal about.
 *
 * <ul>
 *   <li><b>Only its own results.</b> A result of another terminal is answered {@code found =
 *       false}, exactly as an unknown id, so an inquiry is no oracle of other terminals'
 *       payments.
 *   <li><b>Never blocks.</b> The ledger is asked asynchronously, with a deadline (the {@link
 *       LedgerLookup}'s); the answer is written on the session's event loop.
 *   <li><b>Bounded.</b> At most {@code maxInFlightPerSession} inquiries of this session and
 *       {@code maxInFlight} of the node wait for the ledger; one more is answered at once with
 *       CODE_UNAVAILABLE. The ledger unreachable, slow or refusing: CODE_UNAVAILABLE too. Either
 *       way the session stays open.
 *   <li><b>Ack counts as delivery.</b> The last {@value #MAX_ACKABLE} results this session was
 *       told are PENDING, DELIVERING or FAILED are remembered; an Ack of one that no delivery of
 *       this node has in flight is claimed DELIVERED ({@link InquiryAcks}). A REVERSAL_REQUIRED
 *       result is never remembered: its Ack is not a delivery.
 * </ul>
 *
 * <p>Confined to the session's event loop: every method must be called there, and ledger
 * answers hop back to it before they touch this state.
 */
public final class SessionInquiries {
  private static final Logger log = LoggerFactory.getLogger(SessionInquiries.class);
  /** How many ackable results one session remembers; the oldest is forgotten first. */
  static final int MAX_ACKABLE = 64;

  private final Inquiries node;
  private final PosSession session;
  private int inFlight;
  private final Map<String, Integer> ackable = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > MAX_ACKABLE;
    }
  };

  SessionInquiries(Inquiries node, PosSession session) {
    this.node = node;
    this.session = session;
  }

  /**
   * Answers a StatusRequest or RecentRequest frame, now (invalid, over the bound, inquiries off)
   * or when the ledger answers.
   *
   * @param frame a frame whose case is STATUS_REQUEST or RECENT_REQUEST
   * @return null, or the problem with its request_id: the request cannot be answered, and the
   *     caller ends the connection with Error CODE_INVALID_REQUEST and this message
   */
  public @Nullable String onRequest(PosFrame frame) {
    boolean status = frame.getFrameCase() == PosFrame.FrameCase.STATUS_REQUEST;
    Kind kind = status ? Kind.STATUS : Kind.RECENT;
    String requestId = status
        ? frame.getStatusRequest().getRequestId() : frame.getRecentRequest().getRequestId();
    String fatal = InquiryRequests.requestIdProblem(requestId);
    if (fatal != null) {
      node.meters().answered(kind, Outcome.INVALID);
      return fatal;
    }
    String problem = status
        ? InquiryRequests.problemWith(frame.getStatusRequest())
        : InquiryRequests.problemWith(frame.getRecentRequest());
    if (problem != null) {
      refuse(kind, requestId, Outcome.INVALID, Error.Code.CODE_INVALID_REQUEST, problem);
      return null;
    }
    LedgerLookup ledger = node.ledger();
    if (ledger == null) {
      refuse(kind, requestId, Outcome.UNAVAILABLE, Error.Code.CODE_UNAVAILABLE,
          "inquiries are off on this node (no ledger configured)");
      return null;
    }
    if (inFlight >= node.limits().maxInFlightPerSession()) {
      refuse(kind, requestId, Outcome.UNAVAILABLE, Error.Code.CODE_UNAVAILABLE,
          "too many inquiries in flight on this session (at most "
              + node.limits().maxInFlightPerSession() + "); ask again when one is answered");
      return null;
    }
    if (!node.tryAcquire()) {
      refuse(kind, requestId, Outcome.UNAVAILABLE, Error.Code.CODE_UNAVAILABLE,
          "too many inquiries in flight on this node; ask again later");
      return null;
    }
    inFlight++;
    try {
      if (status) {
        ask(kind, requestId, statusOf(ledger, frame.getStatusRequest()),
            found -> found.isPresent()
                ? InquiryAnswers.status(requestId, remember(found.get()))
                : InquiryAnswers.notFound(requestId));
      } else {
        ask(kind, requestId, ledger.newest(session.terminalId(),
                frame.getRecentRequest().getLimit()),
            newest -> InquiryAnswers.recent(requestId, recent(newest)));
      }
    } catch (RuntimeException e) { // a lookup that throws instead of failing its stage
      node.release();
      inFlight--;
      unavailable(kind, requestId, e);
    }
    return null;
  }

  /**
   * An Ack that no delivery of this node had in flight (or one that did: then it only forgets
   * the result). Claims DELIVERED if this session was told by an inquiry that the result is
   * undelivered.
   *
   * @param resultId the Ack's result id
   * @param deliveredElsewhere whether a delivery in flight already took this Ack
   * @return whether this call claimed the result DELIVERED
   */
  public boolean onAck(String resultId, boolean deliveredElsewhere) {
    Integer attempt = ackable.remove(resultId);
    if (attempt == null || deliveredElsewhere) {
      return false;
    }
    node.acks().delivered(session, resultId, attempt);
    node.meters().inquiryAck();
    try (LogContext ignored = LogContext.open().resultId(resultId)
        .terminalId(session.terminalId())) {
      log.info("result_id={} terminal_id={} acked after a status inquiry; claimed DELIVERED",
          resultId, session.terminalId());
    }
    return true;
  }

  /** The delivery asked for, if it is this terminal's; empty for another terminal's. */
  private CompletionStage<Optional<Delivery>> statusOf(LedgerLookup ledger,
      StatusRequest request) {
    String transactionId = request.getTransactionId();
    String resultId = transactionId.isEmpty()
        ? request.getResultId() : IlkResultIds.resultIdOf(transactionId);
    return ledger.delivery(resultId).thenApply(found -> found.filter(d ->
        d.getTerminalId().equals(session.terminalId())
            && (transactionId.isEmpty()
                || d.getPaymentResult().getTransactionId().equals(transactionId))));
  }

  private List<StatusResponse> recent(List<Delivery> newest) {
    List<StatusResponse> answers = new ArrayList<>(newest.size());
    for (Delivery d : newest) {
      if (d.getTerminalId().equals(session.terminalId())) {
        answers.add(remember(d));
      }
    }
    return answers;
  }

  /** The answer for a delivery of this terminal; remembers it if its Ack would deliver it. */
  private StatusResponse remember(Delivery delivery) {
    StatusResponse answer = InquiryAnswers.found(delivery);
    if (InquiryAnswers.ackable(answer.getStatus())) {
      int attempt = Math.max(1,
          Math.max(delivery.getAttempt(), delivery.getPaymentResult().getAttempt()));
      ackable.put(delivery.getResultId(), attempt);
    }
    return answer;
  }

  /**
   * Waits for {@code stage} off the event loop, then answers on it. The node's slot is given
   * back on whichever thread completes the stage; the session's count on the event loop.
   */
  private <T> void ask(Kind kind, String requestId, CompletionStage<T> stage,
      Function<T, PosFrame> answer) {
    stage.whenComplete((value, error) -> {
      node.release();
      try {
        session.eventLoop().execute(() -> {
          inFlight--;
          if (error != null) {
            unavailable(kind, requestId, error);
            return;
          }
          PosFrame frame = answer.apply(value);
          boolean found = !frame.hasStatusResponse() || frame.getStatusResponse().getFound();
          node.meters().answered(kind, found ? Outcome.FOUND : Outcome.NOT_FOUND);
          write(frame);
        });
      } catch (RejectedExecutionException shuttingDown) {
        // The event loop is gone, and the connection with it: nobody to answer.
      }
    });
  }

  private void unavailable(Kind kind, String requestId, Throwable cause) {
    if (log.isDebugEnabled()) {
      try (LogContext ignored = LogContext.open().terminalId(session.terminalId())) {
        log.debug("terminal_id={} {} inquiry unanswerable: {}", session.terminalId(),
            kind.name().toLowerCase(java.util.Locale.ROOT), cause.toString());
      }
    }
    refuse(kind, requestId, Outcome.UNAVAILABLE, Error.Code.CODE_UNAVAILABLE,
        "the delivery ledger cannot be reached now; ask again later");
  }

  private void refuse(Kind kind, String requestId, Outcome outcome, Error.Code code,
      String message) {
    node.meters().answered(kind, outcome);
    write(InquiryAnswers.error(requestId, code, message));
  }

  private void write(PosFrame frame) {
    if (session.channel().isActive()) {
      session.channel().writeAndFlush(frame);
    }
  }
}
