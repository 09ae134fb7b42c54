package io.posrelay.runtime.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.posrelay.runtime.kafka.TopicCheck;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps Kafka's own log lines about the start-up topic check's client out of the log: when that
 * check fails (refused credentials, say), the launcher says so in one line, and Kafka's network
 * client would add an ERROR and a WARN of its own about the same failure. Only lines of loggers
 * under {@code org.apache.kafka} that name a client id ending in {@link
 * TopicCheck#CLIENT_ID_SUFFIX} are dropped; every other Kafka line is kept.
 *
 * <p>Installed once by {@link #install()}; does nothing when the logging backend is not logback.
 * Thread-safe (stateless).
 */
public final class TopicCheckLogFilter extends TurboFilter {
  private static final String CLIENT_MARK = TopicCheck.CLIENT_ID_SUFFIX + "] ";

  /** Adds the filter to logback's context, once; a no-op under another SLF4J backend. */
  public static synchronized void install() {
    try {
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
          && context.getTurboFilterList().stream()
              .noneMatch(f -> f instanceof TopicCheckLogFilter)) {
        TopicCheckLogFilter filter = new TopicCheckLogFilter();
        filter.setName("posrelay-topic-check");
        filter.start();
        context.addTurboFilter(filter);
      }
    } catch (LinkageError notLogback) {
      // another backend: its own configuration decides
    }
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format,
      Object[] params, Throwable t) {
    if (format != null && logger.getName().startsWith("org.apache.kafka")
        && format.contains(CLIENT_MARK)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
