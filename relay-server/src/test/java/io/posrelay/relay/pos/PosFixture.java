package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.Ack;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.auth.AuthFailureLimiter;
import io.posrelay.relay.auth.TerminalAuthenticator;
import io.posrelay.relay.delivery.DeliveryTracker;
import io.posrelay.relay.delivery.RecentResultIds;
import io.posrelay.relay.delivery.RecordingClaims;
import io.posrelay.relay.delivery.RecordingSessions;
import io.posrelay.relay.delivery.ReversedResults;
import io.posrelay.relay.delivery.SessionRecovery;
import io.posrelay.relay.delivery.TerminalRegistry;
import io.posrelay.relay.delivery.UndeliveredResults;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.PaymentResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/** One node's delivery components, wired as RelayServer does, without Kafka or sockets. */
final class PosFixture {
  static final String NODE_ID = "node-1";
  static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Zero: the CLAIMED claim goes with the write, so the tests of recovery and takeover see every
   * claim at once. {@code DeferredClaimTest} covers the deferred claim of a running node.
   */
  static final Duration CLAIM_DELAY = Duration.ZERO;
  static final int HEARTBEAT_MILLIS = 10_000;
  /** Recovery's follow-up fetch: claim deadline 3 s + ack timeout 5 s + 1 s. */
  static final Duration FOLLOW_UP_DELAY = Duration.ofSeconds(9);

  final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
  final RelayMeters meters = new RelayMeters(meterRegistry);
  final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  final TerminalRegistry registry = new TerminalRegistry();
  final RecordingClaims claims = new RecordingClaims();
  /** The results the ledger decided REVERSAL_REQUIRED, as delivery events would tell. */
  final ReversedResults reversed = new ReversedResults(
      new RecentResultIds(1000, Duration.ofHours(24), System::nanoTime));
  final DeliveryTracker tracker =
      new DeliveryTracker(NODE_ID, registry, new RecentResultIds(1000, Duration.ofMinutes(10),
          System::nanoTime), reversed, claims, meters, ACK_TIMEOUT, CLAIM_DELAY, clock,
          System::nanoTime);

  final RecordingSessions sessions = new RecordingSessions();
  /** Recovery asks in flight at once, for {@link #recovery}. */
  int maxConcurrentRecoveries = 16;
  /** Recovery's wait given its cap, for {@link #recovery}; the whole cap unless a test says. */
  LongUnaryOperator jitter = cap -> cap;
  SessionRecovery recovery = recovery(null);

  /** The deployment secret when {@link #withAuth()} turned authentication on. */
  static final byte[] SECRET =
      "fixture-secret-0123456789-abcdefghijklmnop".getBytes(StandardCharsets.UTF_8);
  /** The previous secret, still accepted, when {@link #withAuth()} turned authentication on. */
  static final byte[] PREVIOUS_SECRET =
      "fixture-previous-secret-0123456789-abcdefgh".getBytes(StandardCharsets.UTF_8);
  /** The failed-authentication limit's clock, in nanoseconds; tests move it. */
  final AtomicLong authNanos = new AtomicLong();
  /** 5 failures within 60 s start a 60 s cool-down. */
  final AuthFailureLimiter limiter = new AuthFailureLimiter(5, Duration.ofMinutes(1),
      Duration.ofMinutes(1), 100, authNanos::get);
  /** Checks Hello tokens; off (any token accepted) unless {@link #withAuth()} was called. */
  TerminalAuthenticator authenticator = new TerminalAuthenticator(null, limiter, meters.sessions());

  /** Status inquiries (protocol version 2); null = the node speaks version 1 only. */
  io.posrelay.relay.inquiry.@org.jspecify.annotations.Nullable Inquiries inquiries;

  /** Turns terminal authentication on with {@link #SECRET} and {@link #PREVIOUS_SECRET}. */
  PosFixture withAuth() {
    authenticator = new TerminalAuthenticator(
        new TerminalTokens(List.of(SECRET, PREVIOUS_SECRET)), limiter, meters.sessions());
    return this;
  }

  /** Recovery from {@code source}; {@code null} = recovery off. */
  SessionRecovery recovery(@org.jspecify.annotations.Nullable UndeliveredResults source) {
    return new SessionRecovery(source, tracker, meters, clock, Duration.ofSeconds(3),
        maxConcurrentRecoveries, Duration.ofMillis(50), Duration.ofMillis(200), FOLLOW_UP_DELAY,
        jitter);
  }

  PosSessionHandler handler() {
    return new PosSessionHandler(NODE_ID, HEARTBEAT_MILLIS, registry, tracker, sessions,
        recovery, meters, clock, authenticator, inquiries);
  }

  static PosFrame hello(String terminalId) {
    return PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(terminalId).setMerchantId("M-1"))
        .build();
  }

  static PosFrame ack(String resultId) {
    return PosFrame.newBuilder().setAck(Ack.newBuilder().setResultId(resultId)).build();
  }

  static PaymentResult result(String resultId, String terminalId) {
    return PaymentResult.newBuilder()
        .setResultId(resultId)
        .setTransactionId("tx-" + resultId)
        .setTerminalId(terminalId)
        .setResultCode("0000")
        .setAmount(1000)
        .setCurrency("KRW")
        .setApprovalNumber("12345678")
        .setCardNumberMasked("123456******7890")
        .setReceivedAt(Timestamp.newBuilder().setSeconds(1_767_322_000L))
        .setAttempt(1)
        .build();
  }

  /** Connects a terminal and reads its Welcome. */
  EmbeddedChannel connect(String terminalId) {
    EmbeddedChannel ch = new EmbeddedChannel(handler());
    ch.writeInbound(hello(terminalId));
    PosFrame welcome = ch.readOutbound();
    assertThat(welcome.getFrameCase()).isEqualTo(PosFrame.FrameCase.WELCOME);
    return ch;
  }

  double counter(String name, String... tags) {
    var counter = meterRegistry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }
}
