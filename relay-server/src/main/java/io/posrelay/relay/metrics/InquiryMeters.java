package io.posrelay.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.pos.v1.Error;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The meters of status inquiries (protocol version 2). Kept apart from {@link RelayMeters}'s
 * table so that the inquiry feature reads as one piece; the names follow the same rules.
 *
 * <table>
 *   <caption>Inquiry meters (Prometheus adds {@code _total} to counters)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>meaning</th></tr>
 *   <tr><td>{@value #INQUIRIES}</td><td>counter</td><td>kind, outcome</td>
 *       <td>inquiries answered: kind = status | recent; outcome = found | not_found (unknown
 *       id, or another terminal's) | unavailable (ledger unreachable or slow, inquiries off, or
 *       too many in flight) | invalid (CODE_INVALID_REQUEST)</td></tr>
 *   <tr><td>{@value #INQUIRIES_IN_FLIGHT}</td><td>gauge</td><td></td>
 *       <td>inquiries asked of admin-api and not yet answered, on this node</td></tr>
 *   <tr><td>{@value #INQUIRY_ACKS}</td><td>counter</td><td></td>
 *       <td>Acks of an undelivered result the terminal learnt of from an inquiry, claimed
 *       DELIVERED</td></tr>
 * </table>
 *
 * <p>The calls to admin-api are counted and timed by the same gRPC client interceptor as the
 * recovery asks ({@link RelayMeters#recoveryClientInterceptor()}), by method ({@code
 * GetDelivery}, {@code ListDeliveries}).
 *
 * <p>Thread-safe.
 */
public final class InquiryMeters {
  /** Counter name; see the class table. */
  public static final String INQUIRIES = "posrelay.relay.inquiries";
  /** Gauge name; see the class table. */
  public static final String INQUIRIES_IN_FLIGHT = "posrelay.relay.inquiries.in.flight";
  /** Counter name; see the class table. */
  public static final String INQUIRY_ACKS = "posrelay.relay.inquiry.acks";

  /** The {@code kind} tag. */
  public enum Kind {
    /** StatusRequest. */
    STATUS,
    /** RecentRequest. */
    RECENT
  }

  /** The {@code outcome} tag. */
  public enum Outcome {
    /** Answered with found = true (a RecentResponse is always found, even if empty). */
    FOUND,
    /** Answered with found = false: unknown, or another terminal's result. */
    NOT_FOUND,
    /** Answered with Error CODE_UNAVAILABLE. */
    UNAVAILABLE,
    /** Answered with Error CODE_INVALID_REQUEST. */
    INVALID
  }

  private final MeterRegistry registry;
  private final SessionMeters sessions;
  private final Map<Kind, Map<Outcome, Counter>> inquiries = new EnumMap<>(Kind.class);
  private final Counter acks;

  /**
   * Registers the meters (every kind and outcome at 0).
   *
   * @param registry where the meters live; the node's registry
   * @param sessions where Error frames sent in answer are also counted ({@value
   *     RelayMeters#ERRORS_SENT})
   */
  public InquiryMeters(MeterRegistry registry, SessionMeters sessions) {
    this.registry = registry;
    this.sessions = sessions;
    for (Kind kind : Kind.values()) {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome, Counter.builder(INQUIRIES)
            .description("Inquiries (protocol version 2) answered, by kind and outcome.")
            .tag("kind", kind.name().toLowerCase(Locale.ROOT))
            .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
            .register(registry));
      }
      inquiries.put(kind, byOutcome);
    }
    acks = Counter.builder(INQUIRY_ACKS)
        .description("Acks of undelivered results learnt of by an inquiry, claimed DELIVERED.")
        .register(registry);
  }

  /**
   * Counts one answered inquiry; an Error answer is also counted as an Error sent.
   *
   * @param kind which request
   * @param outcome how it was answered
   */
  public void answered(Kind kind, Outcome outcome) {
    inquiries.get(kind).get(outcome).increment();
    if (outcome == Outcome.UNAVAILABLE) {
      sessions.errorSent(Error.Code.CODE_UNAVAILABLE);
    } else if (outcome == Outcome.INVALID) {
      sessions.errorSent(Error.Code.CODE_INVALID_REQUEST);
    }
  }

  /** Counts an Ack claimed DELIVERED because of an inquiry's answer. */
  public void inquiryAck() {
    acks.increment();
  }

  /**
   * Registers the in-flight gauge.
   *
   * @param inFlight read at scrape time; thread-safe and cheap
   */
  public void inFlightGauge(Supplier<Number> inFlight) {
    Gauge.builder(INQUIRIES_IN_FLIGHT, inFlight)
        .description("Inquiries asked of admin-api and not yet answered, on this node.")
        .register(registry);
  }
}
