package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.netty.channel.embedded.EmbeddedChannel;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.relay.delivery.MalformedRecordException;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.TerminalSession;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Session takeover across nodes, driven by TerminalSession records as the consumer hands them. */
class SessionTakeoverTest {
  private final PosFixture fx = new PosFixture();
  private final SessionTakeover takeover =
      new SessionTakeover(PosFixture.NODE_ID, fx.registry, fx.meters);

  private static TerminalSession announced(String terminalId, String sessionId, Instant at) {
    return TerminalSession.newBuilder()
        .setTerminalId(terminalId)
        .setNodeId("node-2")
        .setSessionId(sessionId)
        .setConnectedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond())
            .setNanos(at.getNano()))
        .build();
  }

  private static PosFrame nextFrame(EmbeddedChannel ch) {
    PosFrame frame = ch.readOutbound();
    assertThat(frame).as("an outbound frame").isNotNull();
    return frame;
  }

  @Test
  void hello_announcesTheSessionWithItsIdAndConnectedAt() {
    EmbeddedChannel ch = fx.connect("T-1");
    String sessionId = fx.registry.get("T-1").sessionId();

    assertThat(fx.sessions.all()).hasSize(1);
    TerminalSession s = fx.sessions.all().get(0);
    assertThat(s.getTerminalId()).isEqualTo("T-1");
    assertThat(s.getNodeId()).isEqualTo(PosFixture.NODE_ID);
    assertThat(s.getSessionId()).isEqualTo(sessionId);
    assertThat(s.getConnectedAt().getSeconds()).isEqualTo(fx.clock.instant().getEpochSecond());
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void ownAnnouncement_doesNotCloseTheSessionItAnnounces() {
    EmbeddedChannel ch = fx.connect("T-1");

    takeover.accept(fx.sessions.all().get(0));
    ch.runPendingTasks();

    assertThat(ch.isActive()).isTrue();
    assertThat((Object) ch.readOutbound()).isNull();
    assertThat(fx.registry.get("T-1")).isNotNull();
  }

  @Test
  void newerSessionOnAnotherNode_closesTheLocalOne_andFailsItsResultsSessionReplaced() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    assertThat(nextFrame(ch).hasPaymentResult()).isTrue();

    takeover.accept(announced("T-1", "s-elsewhere", fx.clock.instant().plusMillis(1)));
    ch.runPendingTasks();

    PosFrame error = nextFrame(ch);
    assertThat(error.getError().getCode()).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
    assertThat(error.getError().getMessage()).contains("s-elsewhere", "node-2");
    ch.runPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.registry.get("T-1")).isNull();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/SESSION_REPLACED");
    assertThat(fx.counter(RelayMeters.SESSIONS_REPLACED, "scope", "remote")).isEqualTo(1);
  }

  @Test
  void olderSessionAnnouncedLate_changesNothing() {
    EmbeddedChannel ch = fx.connect("T-1");

    takeover.accept(announced("T-1", "s-older", fx.clock.instant().minusMillis(1)));
    ch.runPendingTasks();

    assertThat(ch.isActive()).isTrue();
    assertThat((Object) ch.readOutbound()).isNull();
  }

  @Test
  void sameConnectedAt_isBrokenBySessionId() {
    EmbeddedChannel ch = fx.connect("T-1");
    String local = fx.registry.get("T-1").sessionId();
    Instant same = fx.clock.instant();

    takeover.accept(announced("T-1", local.substring(0, 35) + "/", same)); // sorts before
    ch.runPendingTasks();
    assertThat(ch.isActive()).isTrue();

    takeover.accept(announced("T-1", local + "z", same)); // sorts after
    ch.runPendingTasks();
    assertThat(nextFrame(ch).getError().getCode()).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
  }

  @Test
  void announcementForATerminalNotHeldHere_isIgnored() {
    EmbeddedChannel ch = fx.connect("T-1");

    takeover.accept(announced("T-2", "s-x", fx.clock.instant().plusSeconds(1)));
    ch.runPendingTasks();

    assertThat(ch.isActive()).isTrue();
    assertThat(fx.counter(RelayMeters.SESSIONS_REPLACED, "scope", "remote")).isZero();
  }
  @Test
  void announcementWithConnectedAtOutOfRange_isRefusedAsMalformed_andClosesNothing() {
    EmbeddedChannel ch = fx.connect("T-1");
    String local = fx.registry.get("T-1").sessionId();
    TerminalSession malformed = announced("T-1", "s-bad", fx.clock.instant()).toBuilder()
        .setConnectedAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build();

    assertThatThrownBy(() -> takeover.accept(malformed))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("terminal_id=T-1 session_id=s-bad connected_at out of range")
        .hasMessageContaining("seconds=" + Long.MAX_VALUE);
    ch.runPendingTasks();

    assertThat(ch.isActive()).isTrue();
    assertThat(fx.registry.get("T-1").sessionId()).isEqualTo(local);
    assertThat(SessionTakeover.isNewer(malformed, fx.registry.get("T-1")))
        .as("and a caller that skips the check is not fooled either").isFalse();
  }

  @Test
  void announcementWithoutSessionId_isRefusedAsMalformed() {
    fx.connect("T-1");

    assertThatThrownBy(() -> takeover.accept(
        announced("T-1", "", fx.clock.instant().plusSeconds(1))))
        .isInstanceOf(MalformedRecordException.class);
  }
}
