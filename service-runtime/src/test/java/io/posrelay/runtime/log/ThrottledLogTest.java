package io.posrelay.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** One line per interval, saying how many were left out. */
class ThrottledLogTest {
  @Test
  void repeatedWarnings_becomeOneLinePerInterval_countingTheRest() {
    Logger logger = (Logger) LoggerFactory.getLogger("throttled-log-test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    AtomicLong now = new AtomicLong(1_000);
    ThrottledLog log = new ThrottledLog(logger, Duration.ofSeconds(1), now::get);

    log.warn("rejected {}", 1);
    log.warn("rejected {}", 2);
    log.warn("rejected {}", 3);
    now.addAndGet(Duration.ofMillis(999).toNanos());
    log.warn("rejected {}", 4);
    now.addAndGet(Duration.ofMillis(1).toNanos());
    log.warn("rejected {}", 5);

    logger.detachAppender(lines);
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("rejected 1", "rejected 5 (3 similar suppressed)");
  }
}
