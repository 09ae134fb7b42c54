package io.posrelay.relay.delivery;

import io.posrelay.runtime.log.LogContext;
import io.posrelay.v1.FailureReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of a delivery's life, as {@link DeliveryTracker} reaches each step: every line
 * names the result, the terminal and this node, in its text and in the MDC ({@link LogContext}).
 * The logger is {@code DeliveryTracker}'s, so log configuration by logger name is unchanged.
 * Called on session event loops; holds no mutable state (the MDC is the calling thread's and is
 * restored after each line).
 */
final class DeliveryLog {
  private static final Logger log = LoggerFactory.getLogger(DeliveryTracker.class);

  private final String nodeId;

  /** @param nodeId this node's id, in every line */
  DeliveryLog(String nodeId) {
    this.nodeId = nodeId;
  }

  /** INFO: recovery listed a result this node already has the terminal's ack of. */
  void reclaimingAcked(PosSession session, String resultId) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} acked here but undelivered in the"
          + " ledger (its DELIVERED claim was lost); claiming it DELIVERED again", resultId,
          session.terminalId(), nodeId);
    }
  }

  /** INFO: a result the ledger decided REVERSAL_REQUIRED came again; not written. */
  void reversedSkipped(PosSession session, String resultId) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} is REVERSAL_REQUIRED in the ledger (an"
          + " approval being reversed); not delivered", resultId, session.terminalId(), nodeId);
    }
  }

  /** DEBUG: a live result the terminal already acked on this node. */
  void alreadyAcked(PosSession session, String resultId) {
    if (log.isDebugEnabled()) {
      try (LogContext ignored = context(session, resultId)) {
        log.debug("result_id={} terminal_id={} already acked here; not redelivered",
            resultId, session.terminalId());
      }
    }
  }

  /** DEBUG: the result is being written to its terminal. */
  void writing(PosSession session, String resultId) {
    if (log.isDebugEnabled()) {
      try (LogContext ignored = context(session, resultId)) {
        log.debug("result_id={} terminal_id={} node_id={} writing", resultId,
            session.terminalId(), nodeId);
      }
    }
  }

  /** INFO: the write of the result failed. */
  void writeFailed(PosSession session, String resultId, Throwable cause) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} write failed: {}",
          resultId, session.terminalId(), nodeId, String.valueOf(cause));
    }
  }

  /** DEBUG: the terminal acked the result in time. */
  void delivered(PosSession session, String resultId) {
    if (log.isDebugEnabled()) {
      try (LogContext ignored = context(session, resultId)) {
        log.debug("result_id={} terminal_id={} node_id={} delivered", resultId,
            session.terminalId(), nodeId);
      }
    }
  }

  /** INFO: the terminal acked the result after the ack timeout. */
  void lateAck(PosSession session, String resultId) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} acked after the ack timeout", resultId,
          session.terminalId(), nodeId);
    }
  }

  /** DEBUG: an ack for a result neither in flight nor recently timed out. */
  void ackIgnored(PosSession session, String resultId) {
    if (log.isDebugEnabled()) {
      try (LogContext ignored = context(session, resultId)) {
        log.debug("result_id={} terminal_id={} ack for a result not in flight; ignored",
            resultId, session.terminalId());
      }
    }
  }

  /** INFO: the terminal stopped reading; the result failed unwritten and it is disconnected. */
  void stalled(PosSession session, String resultId) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} delivery failed: WRITE_FAILED (outbound "
              + "buffer full: the terminal is not reading); disconnecting", resultId,
          session.terminalId(), nodeId);
    }
  }

  /** INFO: the delivery failed with {@code reason}. */
  void failed(PosSession session, String resultId, FailureReason reason) {
    try (LogContext ignored = context(session, resultId)) {
      log.info("result_id={} terminal_id={} node_id={} delivery failed: {}", resultId,
          session.terminalId(), nodeId, reason);
    }
  }

  /** The MDC fields of a line about {@code resultId} on {@code session}; close it after. */
  private LogContext context(PosSession session, String resultId) {
    return LogContext.open().resultId(resultId).terminalId(session.terminalId()).nodeId(nodeId);
  }
}
