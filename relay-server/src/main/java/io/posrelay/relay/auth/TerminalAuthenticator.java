package io.posrelay.relay.auth;

import io.posrelay.runtime.log.ThrottledLog;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.metrics.SessionMeters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a Hello's {@code auth_token} proves its {@code terminal_id}: the token is
 * checked with {@link TerminalTokens#verify} (constant time), unless the remote address is
 * cooling down after too many failures ({@link AuthFailureLimiter}), in which case the Hello is
 * refused without being checked. With no secrets configured authentication is off and every
 * token is accepted.
 *
 * <p>Failures are counted ({@code posrelay.relay.auth.rejected}, {@code
 * posrelay.relay.auth.cooldowns}) and logged as at most one summary line per second, with the
 * last terminal id and address; a token is never logged.
 *
 * <p>Thread-safe: one instance serves every connection of a node.
 */
public final class TerminalAuthenticator {
  private static final Logger log = LoggerFactory.getLogger(TerminalAuthenticator.class);

  /** The outcome of one Hello. */
  public enum Verdict {
    /** The token proves the terminal id, or authentication is off. */
    ACCEPTED,
    /** The token does not prove the terminal id; counted against the address. */
    BAD_TOKEN,
    /** The address is cooling down after too many failures; the token was not checked. */
    RATE_LIMITED
  }

  private final @Nullable TerminalTokens tokens;
  private final AuthFailureLimiter limiter;
  private final SessionMeters meters;
  private final AtomicLong failedSinceLog = new AtomicLong();
  private final AtomicLong refusedSinceLog = new AtomicLong();
  private final ThrottledLog summaries = new ThrottledLog(log);

  /**
   * @param tokens the deployment's terminal secrets, or {@code null} = authentication off
   * @param limiter the per-address failure limit
   * @param meters where rejections and cool-downs are counted
   */
  public TerminalAuthenticator(
      @Nullable TerminalTokens tokens, AuthFailureLimiter limiter, SessionMeters meters) {
    this.tokens = tokens;
    this.limiter = limiter;
    this.meters = meters;
  }

  /** Whether tokens are checked ({@code false}: any token is accepted). */
  public boolean enabled() {
    return tokens != null;
  }

  /** The per-address failure limit, e.g. for a gauge of its size. */
  public AuthFailureLimiter limiter() {
    return limiter;
  }

  /**
   * Checks one Hello.
   *
   * @param remote the connection's remote address; failures are counted per IP address
   * @param terminalId the Hello's terminal_id, already validated
   * @param token the Hello's auth_token; never logged
   * @return the verdict
   */
  public Verdict authenticate(@Nullable SocketAddress remote, String terminalId, String token) {
    TerminalTokens current = tokens;
    if (current == null) {
      return Verdict.ACCEPTED;
    }
    String address = addressOf(remote);
    if (limiter.cooldownRemainingNanos(address) > 0) {
      meters.authRejected(true);
      refusedSinceLog.incrementAndGet();
      logSummary(terminalId, address);
      return Verdict.RATE_LIMITED;
    }
    if (current.verify(terminalId, token)) {
      return Verdict.ACCEPTED;
    }
    meters.authRejected(false);
    if (limiter.recordFailure(address)) {
      meters.authCooldownStarted();
    }
    failedSinceLog.incrementAndGet();
    logSummary(terminalId, address);
    return Verdict.BAD_TOKEN;
  }

  /** The IP address of {@code remote} as text; its whole text for a non-IP address. */
  static String addressOf(@Nullable SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
    }
    return String.valueOf(remote);
  }

  private void logSummary(String terminalId, String address) {
    if (summaries.permit() >= 0) {
      log.warn("terminal authentication: {} Hello(s) with a wrong auth_token and {} refused from "
              + "addresses cooling down since the last summary; last terminal_id={} from {}",
          failedSinceLog.getAndSet(0), refusedSinceLog.getAndSet(0), terminalId, address);
    }
  }
}
