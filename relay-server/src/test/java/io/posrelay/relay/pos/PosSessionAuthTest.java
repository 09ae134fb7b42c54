package io.posrelay.relay.pos;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.auth.TerminalTokens;
import io.posrelay.relay.metrics.RelayMeters;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Hello.auth_token checked against the terminal secrets, and the per-address failure limit. */
class PosSessionAuthTest {
  private final PosFixture fx = new PosFixture().withAuth();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void captureLogs() {
    logs.start();
    root.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    root.detachAppender(logs);
  }

  private static PosFrame hello(String terminalId, String token) {
    return PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId(terminalId).setAuthToken(token))
        .build();
  }

  private static PosFrame answerTo(EmbeddedChannel ch, PosFrame hello) {
    ch.writeInbound(hello);
    PosFrame answer = ch.readOutbound();
    assertThat(answer).as("an answer to Hello").isNotNull();
    return answer;
  }

  private PosFrame helloOnNewConnection(String terminalId, String token) {
    return answerTo(new EmbeddedChannel(fx.handler()), hello(terminalId, token));
  }

  @Test
  void tokenOfTheCurrentSecret_isWelcomed() {
    PosFrame answer = helloOnNewConnection("T-1", TerminalTokens.issue(PosFixture.SECRET, "T-1"));
    assertThat(answer.hasWelcome()).isTrue();
    assertThat(fx.registry.get("T-1")).isNotNull();
  }

  @Test
  void tokenOfThePreviousSecret_isWelcomedDuringARotation() {
    PosFrame answer =
        helloOnNewConnection("T-1", TerminalTokens.issue(PosFixture.PREVIOUS_SECRET, "T-1"));
    assertThat(answer.hasWelcome()).isTrue();
  }

  @Test
  void wrongToken_isUnauthenticated_closed_withNoSessionAndNothingPublished() {
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    String otherTerminalsToken = TerminalTokens.issue(PosFixture.SECRET, "T-2");
    PosFrame answer = answerTo(ch, hello("T-1", otherTerminalsToken));
    assertThat(answer.getError().getCode()).isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
    assertThat(answer.getError().getMessage()).doesNotContain(otherTerminalsToken);
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.registry.size()).isZero();
    assertThat(fx.sessions.all()).isEmpty();
    assertThat(fx.claims.all()).isEmpty();
    assertThat(fx.counter(RelayMeters.AUTH_REJECTED, "reason", "bad_token")).isEqualTo(1);
    assertThat(fx.counter(RelayMeters.FRAMES_REJECTED, "code", "unauthenticated")).isEqualTo(1);
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(line -> line.contains(otherTerminalsToken));
  }

  @Test
  void missingToken_isUnauthenticated() {
    assertThat(helloOnNewConnection("T-1", "").getError().getCode())
        .isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
  }

  @Test
  void fiveFailuresFromOneAddress_refuseItsNextHelloUnchecked_untilTheCooldownEnds() {
    String good = TerminalTokens.issue(PosFixture.SECRET, "T-1");
    for (int i = 0; i < 5; i++) {
      fx.authNanos.addAndGet(Duration.ofSeconds(10).toNanos());
      assertThat(helloOnNewConnection("T-1", "wrong-" + i).getError().getCode())
          .isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
    }
    assertThat(fx.counter(RelayMeters.AUTH_COOLDOWNS)).isEqualTo(1);

    PosFrame refused = helloOnNewConnection("T-1", good); // a right token, not even checked
    assertThat(refused.getError().getCode()).isEqualTo(Error.Code.CODE_UNAUTHENTICATED);
    assertThat(refused.getError().getMessage()).contains("too many failed authentications");
    assertThat(fx.counter(RelayMeters.AUTH_REJECTED, "reason", "rate_limited")).isEqualTo(1);
    assertThat(fx.registry.size()).isZero();

    fx.authNanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(helloOnNewConnection("T-1", good).hasError()).isTrue();
    fx.authNanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(helloOnNewConnection("T-1", good).hasWelcome()).isTrue();
  }

  @Test
  void failuresSpreadOverMoreThanTheWindow_startNoCooldown() {
    for (int i = 0; i < 10; i++) {
      fx.authNanos.addAndGet(Duration.ofSeconds(15).toNanos()); // 4 per 60 s
      helloOnNewConnection("T-1", "wrong");
    }
    assertThat(fx.counter(RelayMeters.AUTH_COOLDOWNS)).isZero();
    assertThat(helloOnNewConnection("T-1", TerminalTokens.issue(PosFixture.SECRET, "T-1"))
        .hasWelcome()).isTrue();
  }

  @Test
  void invalidHelloFields_areCheckedBeforeTheToken_andDoNotCountAsAuthFailures() {
    PosFrame answer = helloOnNewConnection("bad id", "whatever");
    assertThat(answer.getError().getCode()).isEqualTo(Error.Code.CODE_INVALID_HELLO);
    assertThat(fx.counter(RelayMeters.AUTH_REJECTED, "reason", "bad_token")).isZero();
  }

  @Test
  void withAuthenticationOff_anyTokenIsAccepted() {
    PosFixture off = new PosFixture();
    EmbeddedChannel ch = new EmbeddedChannel(off.handler());
    ch.writeInbound(hello("T-1", "anything at all"));
    assertThat(((PosFrame) ch.readOutbound()).hasWelcome()).isTrue();
  }
}
