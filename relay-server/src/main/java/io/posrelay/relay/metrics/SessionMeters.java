package io.posrelay.relay.metrics;

import static io.posrelay.relay.metrics.RelayMeters.counter;
import static io.posrelay.relay.metrics.RelayMeters.lower;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.posrelay.pos.v1.Error;
import io.posrelay.relay.metrics.RelayMeters.ConsumerErrorKind;
import io.posrelay.runtime.kafka.KafkaHandOff;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The meters of terminal sessions: Error frames sent to terminals and inbound frames rejected,
 * session announcements and takeover across nodes, recovery of undelivered results on Hello,
 * and write stalls. Names, tags and meanings are listed once, in the table on {@link
 * RelayMeters}; get this part with {@link RelayMeters#sessions()}.
 *
 * <p>Thread-safe.
 */
public final class SessionMeters {
  private static final Set<Error.Code> FRAME_REJECTION_CODES =
      EnumSet.of(Error.Code.CODE_MALFORMED_FRAME, Error.Code.CODE_FRAME_TOO_LARGE,
          Error.Code.CODE_HELLO_REQUIRED, Error.Code.CODE_INVALID_HELLO,
          Error.Code.CODE_UNAUTHENTICATED);

  private final MeterRegistry registry;
  private final Map<Error.Code, Counter> framesRejected = new EnumMap<>(Error.Code.class);
  private final Map<Error.Code, Counter> errorsSent = new EnumMap<>(Error.Code.class);
  private final Counter sessionPublishErrors;
  private final Map<KafkaHandOff.Rejection, Counter> sessionsDropped =
      new EnumMap<>(KafkaHandOff.Rejection.class);
  private final Map<ConsumerErrorKind, Counter> sessionsErrors =
      new EnumMap<>(ConsumerErrorKind.class);
  private final Map<ConsumerErrorKind, Counter> deliveryEventsErrors =
      new EnumMap<>(ConsumerErrorKind.class);
  private final Counter replacedLocal;
  private final Counter replacedRemote;
  private final Counter recoverySuccess;
  private final Counter recoveryFailure;
  private final Counter recoveryAbandoned;
  private final Counter recoveryResults;
  private final Counter triggerFailedEvent;
  private final Counter triggerIgnored;
  private final Counter stallTimeout;
  private final Counter stallBufferFull;
  private final Counter authBadToken;
  private final Counter authRateLimited;
  private final Counter authCooldowns;
  private final Counter helloTimeouts;
  private final Counter connectionsRejected;
  private final Counter tlsHandshakeFailures;

  /**
   * Registers the counters in {@code registry}; only {@link RelayMeters} makes one.
   *
   * @param registry the server's own registry, never the global one
   */
  SessionMeters(MeterRegistry registry) {
    this.registry = registry;
    for (Error.Code code : Error.Code.values()) {
      if (code != Error.Code.UNRECOGNIZED && code != Error.Code.CODE_UNSPECIFIED) {
        String tag = lower(code.name(), "CODE_");
        if (FRAME_REJECTION_CODES.contains(code)) {
          framesRejected.put(
              code,
              Counter.builder(RelayMeters.FRAMES_REJECTED)
                  .description("Inbound frames rejected with an Error, by code.")
                  .tag("code", tag)
                  .register(registry));
        }
        errorsSent.put(
            code,
            Counter.builder(RelayMeters.ERRORS_SENT)
                .description("Error frames sent to terminals, by code.")
                .tag("code", tag)
                .register(registry));
      }
    }
    sessionPublishErrors = counter(registry, RelayMeters.SESSIONS_PUBLISH_ERRORS,
        "TerminalSession records that could not be written to Kafka.");
    for (KafkaHandOff.Rejection cause : KafkaHandOff.Rejection.values()) {
      sessionsDropped.put(cause, tagged(RelayMeters.SESSIONS_DROPPED,
          "TerminalSession records never handed to Kafka, by cause.", "cause",
          cause.name().toLowerCase(Locale.ROOT)));
    }
    for (ConsumerErrorKind kind : ConsumerErrorKind.values()) {
      sessionsErrors.put(kind, tagged(RelayMeters.SESSIONS_ERRORS,
          "Sessions consumer errors by kind.", "kind", kind.name().toLowerCase(Locale.ROOT)));
    }
    for (ConsumerErrorKind kind : ConsumerErrorKind.values()) {
      deliveryEventsErrors.put(kind, tagged(RelayMeters.DELIVERY_EVENTS_ERRORS,
          "Delivery-events consumer errors by kind.", "kind",
          kind.name().toLowerCase(Locale.ROOT)));
    }
    String replaced = "Sessions closed because the terminal said Hello again, by where.";
    replacedLocal = tagged(RelayMeters.SESSIONS_REPLACED, replaced, "scope", "local");
    replacedRemote = tagged(RelayMeters.SESSIONS_REPLACED, replaced, "scope", "remote");
    String fetches = "Asks to admin-api for a terminal's undelivered results, by outcome.";
    recoverySuccess = tagged(RelayMeters.RECOVERY_FETCHES, fetches, "outcome", "success");
    recoveryFailure = tagged(RelayMeters.RECOVERY_FETCHES, fetches, "outcome", "failure");
    recoveryAbandoned = counter(registry, RelayMeters.RECOVERY_ABANDONED,
        "Sessions whose recovery of undelivered results never succeeded: closed while still "
            + "retrying, or refused for good by admin-api.");
    recoveryResults = counter(registry, RelayMeters.RECOVERY_RESULTS,
        "Undelivered results found by recovery and handed to delivery.");
    String triggers = "FAILED delivery events for a terminal with a session on this node, by "
        + "what was done: a fetch of its undelivered results, or nothing (the failure was on "
        + "that same session).";
    triggerFailedEvent = tagged(RelayMeters.RECOVERY_TRIGGERS, triggers, "action", "fetch");
    triggerIgnored = tagged(RelayMeters.RECOVERY_TRIGGERS, triggers, "action", "ignored");
    String stalls = "Terminals disconnected because they stopped reading, by cause.";
    stallTimeout = tagged(RelayMeters.WRITE_STALLS, stalls, "cause", "stall_timeout");
    stallBufferFull = tagged(RelayMeters.WRITE_STALLS, stalls, "cause", "buffer_full");
    String auth = "Hellos refused with CODE_UNAUTHENTICATED, by reason.";
    authBadToken = tagged(RelayMeters.AUTH_REJECTED, auth, "reason", "bad_token");
    authRateLimited = tagged(RelayMeters.AUTH_REJECTED, auth, "reason", "rate_limited");
    authCooldowns = counter(registry, RelayMeters.AUTH_COOLDOWNS,
        "Remote addresses that reached the failed-authentication limit.");
    connectionsRejected = counter(registry, RelayMeters.CONNECTIONS_REJECTED,
        "Connections closed at once because the node was at its connection limit.");
    helloTimeouts = counter(registry, RelayMeters.HELLO_TIMEOUTS,
        "Connections closed because no Hello arrived within hello-timeout.ms.");
    tlsHandshakeFailures = counter(registry, RelayMeters.TLS_HANDSHAKE_FAILURES,
        "POS connections closed because their TLS handshake failed.");
  }

  /**
   * Counts an inbound frame rejected with an Error.
   *
   * @param code the Error code sent
   */
  public void frameRejected(Error.Code code) {
    Counter counter = framesRejected.get(code);
    if (counter != null) {
      counter.increment();
    }
  }

  /**
   * Counts an Error frame sent to a terminal.
   *
   * @param code the Error code sent
   */
  public void errorSent(Error.Code code) {
    Counter counter = errorsSent.get(code);
    if (counter != null) {
      counter.increment();
    }
  }

  /** Counts a TerminalSession the sessions producer failed to write. */
  public void publishError() {
    sessionPublishErrors.increment();
  }

  /**
   * Counts a TerminalSession that was never handed to Kafka.
   *
   * @param cause why the sessions producer's hand-off refused it
   */
  public void publishDropped(KafkaHandOff.Rejection cause) {
    sessionsDropped.get(cause).increment();
  }

  /**
   * Counts a sessions-consumer error.
   *
   * @param kind bad record, retriable or fatal
   */
  public void consumerError(ConsumerErrorKind kind) {
    sessionsErrors.get(kind).increment();
  }

  /**
   * Counts a delivery-events-consumer error.
   *
   * @param kind bad record, retriable or fatal
   */
  public void deliveryEventsError(ConsumerErrorKind kind) {
    deliveryEventsErrors.get(kind).increment();
  }

  /**
   * Counts a session closed with CODE_SESSION_REPLACED.
   *
   * @param remote {@code true} if the newer session is on another node
   */
  public void replaced(boolean remote) {
    (remote ? replacedRemote : replacedLocal).increment();
  }

  /**
   * Counts one ask to admin-api for undelivered results.
   *
   * @param success {@code true} if it answered
   */
  public void recoveryFetch(boolean success) {
    (success ? recoverySuccess : recoveryFailure).increment();
  }

  /** Counts a session that closed while its recovery was failing, or whose recovery was refused. */
  public void recoveryAbandoned() {
    recoveryAbandoned.increment();
  }

  /**
   * Counts undelivered results found by recovery.
   *
   * @param count how many, >= 0
   */
  public void recoveryResults(int count) {
    recoveryResults.increment(count);
  }

  /**
   * Counts a FAILED delivery event for a terminal held on this node.
   *
   * @param fetched whether it started (or queued) a fetch of the terminal's undelivered results;
   *     false when the failure happened on the very session the node holds
   */
  public void recoveryTrigger(boolean fetched) {
    (fetched ? triggerFailedEvent : triggerIgnored).increment();
  }

  /**
   * Counts a terminal disconnected because it stopped reading.
   *
   * @param timedOut {@code true} if it stayed unwritable past the bound, {@code false} if a
   *     result arrived while its outbound buffer was full
   */
  public void writeStall(boolean timedOut) {
    (timedOut ? stallTimeout : stallBufferFull).increment();
  }

  /**
   * Counts a Hello refused with CODE_UNAUTHENTICATED.
   *
   * @param rateLimited {@code true} if refused unchecked because its address is cooling down,
   *     {@code false} if its token was wrong
   */
  public void authRejected(boolean rateLimited) {
    (rateLimited ? authRateLimited : authBadToken).increment();
  }

  /** Counts a remote address that reached the failed-authentication limit. */
  public void authCooldownStarted() {
    authCooldowns.increment();
  }

  /** Counts a connection closed at once because the node was at its connection limit. */
  public void connectionRejected() {
    connectionsRejected.increment();
  }

  /** Counts a connection closed because no Hello arrived in time. */
  public void helloTimeout() {
    helloTimeouts.increment();
  }

  /** Counts a POS connection whose TLS handshake failed. */
  public void tlsHandshakeFailure() {
    tlsHandshakeFailures.increment();
  }

  private Counter tagged(String name, String description, String key, String value) {
    return Counter.builder(name).description(description).tag(key, value).register(registry);
  }
}
