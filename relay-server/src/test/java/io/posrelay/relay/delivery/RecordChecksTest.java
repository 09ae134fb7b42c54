package io.posrelay.relay.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.posrelay.admin.v1.DeliveryEvent;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.v1.TerminalSession;
import org.junit.jupiter.api.Test;

class RecordChecksTest {
  private static Timestamp at(long seconds, int nanos) {
    return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
  }

  @Test
  void timestamps_areValidFromYear1ToYear9999_withNanosInRange() {
    assertThat(RecordChecks.isValid(Timestamp.getDefaultInstance())).isTrue();
    assertThat(RecordChecks.isValid(at(-62_135_596_800L, 0))).isTrue();
    assertThat(RecordChecks.isValid(at(253_402_300_799L, 999_999_999))).isTrue();
    assertThat(RecordChecks.isValid(at(-62_135_596_801L, 0))).isFalse();
    assertThat(RecordChecks.isValid(at(253_402_300_800L, 0))).isFalse();
    assertThat(RecordChecks.isValid(at(0, 1_000_000_000))).isFalse();
    assertThat(RecordChecks.isValid(at(0, -1))).isFalse();
  }

  @Test
  void session_withConnectedAtOutOfRange_isMalformed_namingItsTerminalAndSession() {
    TerminalSession session = TerminalSession.newBuilder().setTerminalId("T-1")
        .setSessionId("s-1").setNodeId("relay-2").setConnectedAt(at(Long.MAX_VALUE, 0)).build();

    assertThatThrownBy(() -> RecordChecks.check(session))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessage("terminal_id=T-1 session_id=s-1 connected_at out of range: seconds="
            + Long.MAX_VALUE + " nanos=0");
    assertThatCode(() -> RecordChecks.check(session.toBuilder().setConnectedAt(at(1, 0)).build()))
        .doesNotThrowAnyException();
  }

  @Test
  void deliveryEvents_otherThanFailed_areNotChecked() {
    assertThatCode(() -> RecordChecks.check(DeliveryEvent.newBuilder()
        .setTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED).build())).doesNotThrowAnyException();
  }
}
