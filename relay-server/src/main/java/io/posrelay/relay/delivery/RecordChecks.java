package io.posrelay.relay.delivery;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.TerminalSession;
import java.time.Instant;

/**
 * What a relay node's Kafka handlers check of a record before they act on it, so that a record
 * outside the contract is refused at the reader, with its coordinates ({@link
 * MalformedRecordException}), instead of failing later on an event loop where nobody knows which
 * record it was.
 *
 * <p>A {@code google.protobuf.Timestamp} is valid from 0001-01-01T00:00:00Z to
 * 9999-12-31T23:59:59.999999999Z with nanos in 0..999,999,999 (its proto's own definition);
 * {@link Instant} would throw {@code DateTimeException} on seconds far beyond that. Stateless.
 */
public final class RecordChecks {
  /** 0001-01-01T00:00:00Z. */
  static final long MIN_SECONDS = -62_135_596_800L;
  /** 9999-12-31T23:59:59Z. */
  static final long MAX_SECONDS = 253_402_300_799L;

  private RecordChecks() {}

  /**
   * A result from {@code posrelay.results}: result_id and terminal_id set, received_at (if set)
   * in range.
   *
   * @throws MalformedRecordException naming the field and the result_id
   */
  public static void check(PaymentResult result) {
    if (result.getResultId().isEmpty()) {
      throw new MalformedRecordException("payment result without result_id (terminal_id="
          + result.getTerminalId() + ")");
    }
    if (result.getTerminalId().isEmpty()) {
      throw new MalformedRecordException("payment result result_id=" + result.getResultId()
          + " without terminal_id");
    }
    if (result.hasReceivedAt()) {
      requireValid(result.getReceivedAt(), "result_id=" + result.getResultId() + " received_at");
    }
  }

  /**
   * A session from {@code posrelay.sessions}: terminal_id and session_id set, connected_at in
   * range.
   *
   * @throws MalformedRecordException naming the field and the session
   */
  public static void check(TerminalSession session) {
    if (session.getTerminalId().isEmpty() || session.getSessionId().isEmpty()) {
      throw new MalformedRecordException("terminal session without terminal_id or session_id"
          + " (terminal_id=" + session.getTerminalId() + " session_id=" + session.getSessionId()
          + ")");
    }
    requireValid(session.getConnectedAt(), "terminal_id=" + session.getTerminalId()
        + " session_id=" + session.getSessionId() + " connected_at");
  }

  /**
   * An event from {@code posrelay.delivery-events}: a FAILED one names its terminal, a
   * REVERSAL_REQUIRED one its result. Other transitions are not acted on and not checked.
   *
   * @throws MalformedRecordException naming the result
   */
  public static void check(DeliveryEvent event) {
    if (event.getTo() == DeliveryStatus.DELIVERY_STATUS_FAILED && event.getTerminalId().isEmpty()) {
      throw new MalformedRecordException("FAILED delivery event result_id=" + event.getResultId()
          + " without terminal_id");
    }
    if (event.getTo() == DeliveryStatus.DELIVERY_STATUS_REVERSAL_REQUIRED
        && event.getResultId().isEmpty()) {
      throw new MalformedRecordException("REVERSAL_REQUIRED delivery event terminal_id="
          + event.getTerminalId() + " without result_id");
    }
  }

  /**
   * Whether {@code at} is within the range a Timestamp may hold.
   *
   * @param at any timestamp; the default instance (unset) is 1970-01-01 and valid
   */
  public static boolean isValid(Timestamp at) {
    return at.getSeconds() >= MIN_SECONDS && at.getSeconds() <= MAX_SECONDS
        && at.getNanos() >= 0 && at.getNanos() <= 999_999_999;
  }

  /**
   * {@code at} as an Instant.
   *
   * @param what names the field in the exception, e.g. {@code "terminal_id=T1 connected_at"}
   * @throws MalformedRecordException if {@code at} is out of range
   */
  static Instant requireValid(Timestamp at, String what) {
    if (!isValid(at)) {
      throw new MalformedRecordException(what + " out of range: seconds=" + at.getSeconds()
          + " nanos=" + at.getNanos());
    }
    return Instant.ofEpochSecond(at.getSeconds(), at.getNanos());
  }
}
