package io.posrelay.relay.pos;

import static io.posrelay.relay.pos.PosFixture.ack;
import static io.posrelay.relay.pos.PosFixture.hello;
import static io.posrelay.relay.pos.PosFixture.result;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.posrelay.pos.v1.Error;
import io.posrelay.pos.v1.Hello;
import io.posrelay.pos.v1.Ping;
import io.posrelay.pos.v1.PosFrame;
import io.posrelay.pos.v1.Welcome;
import io.posrelay.relay.metrics.RelayMeters;
import io.posrelay.v1.DeliveryClaim;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PosSessionHandlerTest {
  private final PosFixture fx = new PosFixture();

  private static Error.Code errorCode(EmbeddedChannel ch) {
    PosFrame frame = ch.readOutbound();
    assertThat(frame).as("an outbound frame").isNotNull();
    assertThat(frame.getFrameCase()).isEqualTo(PosFrame.FrameCase.ERROR);
    return frame.getError().getCode();
  }

  @Test
  void hello_isAnsweredWithWelcome_andRegistersTheTerminal() {
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    ch.writeInbound(hello("T-1"));
    PosFrame frame = ch.readOutbound();
    Welcome welcome = frame.getWelcome();
    assertThat(welcome.getNodeId()).isEqualTo("node-1");
    assertThat(welcome.getSessionId()).hasSize(36);
    assertThat(welcome.getHeartbeatIntervalMs()).isEqualTo(10_000);
    assertThat(fx.registry.get("T-1")).isNotNull();
    assertThat(fx.registry.get("T-1").sessionId()).isEqualTo(welcome.getSessionId());
    assertThat(ch.isActive()).isTrue();
  }

  @Test
  void frameBeforeHello_isRejectedWithHelloRequired() {
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    ch.writeInbound(PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(1)).build());
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_HELLO_REQUIRED);
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.counter(RelayMeters.FRAMES_REJECTED, "code", "hello_required")).isEqualTo(1);
  }

  @Test
  void secondHelloOnOneConnection_isRejectedWithHelloRequired() {
    EmbeddedChannel ch = fx.connect("T-1");
    ch.writeInbound(hello("T-1"));
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_HELLO_REQUIRED);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void invalidTerminalId_isRejectedNamingTheField() {
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    ch.writeInbound(hello("T 1/bad"));
    PosFrame frame = ch.readOutbound();
    assertThat(frame.getError().getCode()).isEqualTo(Error.Code.CODE_INVALID_HELLO);
    assertThat(frame.getError().getMessage()).startsWith("terminal_id:");
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.registry.size()).isZero();
  }

  @Test
  void overlongAuthToken_isRejectedNamingTheField() {
    EmbeddedChannel ch = new EmbeddedChannel(fx.handler());
    ch.writeInbound(PosFrame.newBuilder()
        .setHello(Hello.newBuilder().setTerminalId("T-1").setAuthToken("a".repeat(513)))
        .build());
    PosFrame frame = ch.readOutbound();
    assertThat(frame.getError().getCode()).isEqualTo(Error.Code.CODE_INVALID_HELLO);
    assertThat(frame.getError().getMessage()).startsWith("auth_token:").doesNotContain("aaaa");
  }

  @Test
  void ping_isAnsweredWithPongOfTheSameNonce() {
    EmbeddedChannel ch = fx.connect("T-1");
    ch.writeInbound(PosFrame.newBuilder().setPing(Ping.newBuilder().setNonce(42)).build());
    PosFrame pong = ch.readOutbound();
    assertThat(pong.getPong().getNonce()).isEqualTo(42);
  }

  @Test
  void nodeOnlyFrameFromTerminal_isRejectedAsMalformed() {
    EmbeddedChannel ch = fx.connect("T-1");
    ch.writeInbound(PosFrame.newBuilder().setPaymentResult(result("r-1", "T-1")).build());
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_MALFORMED_FRAME);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void emptyFrame_isRejectedAsMalformed() {
    EmbeddedChannel ch = fx.connect("T-1");
    ch.writeInbound(PosFrame.getDefaultInstance());
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_MALFORMED_FRAME);
  }

  @Test
  void readerIdle_closesWithIdleTimeout() {
    EmbeddedChannel ch = fx.connect("T-1");
    ch.pipeline().fireUserEventTriggered(IdleStateEvent.FIRST_READER_IDLE_STATE_EVENT);
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_IDLE_TIMEOUT);
    assertThat(ch.isOpen()).isFalse();
  }

  @Test
  void resultForConnectedTerminal_isWrittenAndClaimed() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    PosFrame frame = ch.readOutbound();
    assertThat(frame.getPaymentResult().getResultId()).isEqualTo("r-1");
    DeliveryClaim claim = fx.claims.all().get(0);
    assertThat(claim.getOutcome()).isEqualTo(DeliveryClaim.Outcome.OUTCOME_CLAIMED);
    assertThat(claim.getNodeId()).isEqualTo("node-1");
    assertThat(claim.getTerminalId()).isEqualTo("T-1");
    assertThat(claim.getSessionId()).isEqualTo(fx.registry.get("T-1").sessionId());
    assertThat(claim.getAttempt()).isEqualTo(1);
    assertThat(claim.getAt().getSeconds()).isEqualTo(fx.clock.instant().getEpochSecond());
    assertThat(fx.tracker.inFlight()).isEqualTo(1);
  }

  @Test
  void ack_isClaimedDelivered_andRecordsLatency() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.readOutbound();
    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "DELIVERED");
    assertThat(fx.tracker.inFlight()).isZero();
    assertThat(fx.meterRegistry.find(RelayMeters.DELIVERY_LATENCY).timer().count()).isEqualTo(1);
    // The ack timeout was cancelled: nothing more happens after it would have fired.
    ch.advanceTimeBy(10, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "DELIVERED");
  }

  @Test
  void unackedResult_isFailedAfterAckTimeout() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.advanceTimeBy(4_999, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED");
    ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/ACK_TIMEOUT");
    assertThat(fx.counter(RelayMeters.DELIVERIES, "outcome", "failed", "reason", "ack_timeout"))
        .isEqualTo(1);
    assertThat(ch.isActive()).as("an ack timeout does not close the connection").isTrue();
  }

  @Test
  void lateAck_afterTimeout_isStillClaimedDelivered() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.advanceTimeBy(5, TimeUnit.SECONDS);
    ch.runScheduledPendingTasks();
    ch.writeInbound(ack("r-1"));
    assertThat(fx.claims.outcomes())
        .containsExactly("CLAIMED", "FAILED/ACK_TIMEOUT", "DELIVERED");
  }

  @Test
  void connectionClosedBeforeAck_isFailedConnectionLost() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.close();
    ch.runPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/CONNECTION_LOST");
    assertThat(fx.registry.get("T-1")).isNull();
    assertThat(fx.tracker.inFlight()).isZero();
  }

  @Test
  void failedWrite_isFailedWriteFailed() {
    EmbeddedChannel ch = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
          throws Exception {
        if (msg instanceof PosFrame f && f.hasPaymentResult()) {
          ReferenceCountUtil.release(msg);
          promise.setFailure(new IOException("broken pipe"));
        } else {
          super.write(ctx, msg, promise);
        }
      }
    }, fx.handler());
    ch.writeInbound(hello("T-1"));
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/WRITE_FAILED");
    assertThat(fx.tracker.inFlight()).isZero();
  }

  @Test
  void secondHelloForSameTerminal_replacesTheFirstSession() {
    EmbeddedChannel first = fx.connect("T-1");
    String firstSession = fx.registry.get("T-1").sessionId();
    fx.tracker.dispatch(result("r-1", "T-1"));
    first.runPendingTasks();
    first.readOutbound();

    EmbeddedChannel second = fx.connect("T-1");
    first.runPendingTasks();
    assertThat(errorCode(first)).isEqualTo(Error.Code.CODE_SESSION_REPLACED);
    first.runPendingTasks();
    assertThat(first.isOpen()).isFalse();
    assertThat(fx.registry.get("T-1").channel()).isSameAs(second);
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/SESSION_REPLACED");
    assertThat(fx.claims.all().get(1).getSessionId()).isEqualTo(firstSession);

    // New results go to the new session.
    fx.tracker.dispatch(result("r-2", "T-1"));
    second.runPendingTasks();
    PosFrame frame = second.readOutbound();
    assertThat(frame.getPaymentResult().getResultId()).isEqualTo("r-2");
  }

  @Test
  void resultAlreadyAckedHere_isNotDeliveredAgain() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.readOutbound();
    ch.writeInbound(ack("r-1"));

    fx.tracker.dispatch(result("r-1", "T-1")); // an ILK retry re-published it
    ch.runPendingTasks();
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "DELIVERED");
    assertThat(fx.counter(RelayMeters.RESULTS_DUPLICATE, "state", "acked")).isEqualTo(1);
  }

  @Test
  void resultAlreadyAckedHere_isNotDeliveredToTheTerminalsNextSessionEither() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.writeInbound(ack("r-1"));
    ch.close();
    EmbeddedChannel again = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    again.runPendingTasks();
    assertThat(again.<Object>readOutbound()).isNull();
  }

  @Test
  void resultInFlight_isNotWrittenTwiceToTheSameSession() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    assertThat(((PosFrame) ch.readOutbound()).getPaymentResult().getResultId()).isEqualTo("r-1");
    assertThat(ch.<Object>readOutbound()).isNull();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED");
    assertThat(fx.counter(RelayMeters.RESULTS_DUPLICATE, "state", "in_flight")).isEqualTo(1);
  }

  @Test
  void resultForTerminalNotHere_isIgnoredAndCounted() {
    fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-2"));
    assertThat(fx.claims.all()).isEmpty();
    assertThat(fx.counter(RelayMeters.RESULTS_IGNORED)).isEqualTo(1);
  }

  @Test
  void shutdown_sendsShuttingDown_andFailsInFlightWithNodeShutdown() {
    EmbeddedChannel ch = fx.connect("T-1");
    fx.tracker.dispatch(result("r-1", "T-1"));
    ch.runPendingTasks();
    ch.readOutbound();
    ch.pipeline().fireUserEventTriggered(PosSessionHandler.SHUTTING_DOWN);
    ch.runPendingTasks();
    assertThat(errorCode(ch)).isEqualTo(Error.Code.CODE_SHUTTING_DOWN);
    assertThat(ch.isOpen()).isFalse();
    assertThat(fx.claims.outcomes()).containsExactly("CLAIMED", "FAILED/NODE_SHUTDOWN");
  }
}
