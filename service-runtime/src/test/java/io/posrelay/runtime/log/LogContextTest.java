package io.posrelay.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** MDC fields set for a block and restored after it, so pooled threads leak nothing. */
class LogContextTest {
  @Test
  void nestedContexts_restoreTheOuterFields_andLeaveNothingBehind() {
    try (LogContext outer = LogContext.open().terminalId("T0001").nodeId("relay-1")) {
      try (LogContext inner = LogContext.open().resultId("r-2").terminalId("T0002")) {
        assertThat(MDC.get(LogContext.TERMINAL_ID)).isEqualTo("T0002");
        assertThat(MDC.get(LogContext.RESULT_ID)).isEqualTo("r-2");
        assertThat(MDC.get(LogContext.NODE_ID)).isEqualTo("relay-1");
      }
      assertThat(MDC.get(LogContext.TERMINAL_ID)).isEqualTo("T0001");
      assertThat(MDC.get(LogContext.RESULT_ID)).isNull();
    }
    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void emptyValues_leaveTheFieldUnset() {
    try (LogContext ignored = LogContext.open().resultId("").nodeId("")) {
      assertThat(MDC.get(LogContext.RESULT_ID)).isNull();
      assertThat(MDC.get(LogContext.NODE_ID)).isNull();
    }
  }
}
