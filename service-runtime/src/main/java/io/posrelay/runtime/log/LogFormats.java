package io.posrelay.runtime.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.layout.TTLLLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link LogFormat} to logback, once, before a service starts ({@code ServiceLauncher}
 * calls {@link #apply(LogFormat)}):
 *
 * <ul>
 *   <li>{@code json}: every console or file appender of the root logger writes {@link
 *       JsonLineEncoder} lines instead of what its configuration said; levels and targets stay.
 *   <li>{@code text}: a logback configuration file, when there is one (relayctl's {@code
 *       logback.xml}, or {@code -Dlogback.configurationFile}), is left as it is.
 *   <li>Either way, when logback found no configuration file (a service run from its own jar),
 *       the console gets the service defaults instead of logback's DEBUG-everything fallback: INFO,
 *       Kafka, Netty and gRPC at WARN, to stderr, in the chosen format ({@link
 *       LogFormat#TEXT_PATTERN} for text).
 * </ul>
 *
 * A no-op under another SLF4J backend. Call it before the service's threads start: an appender's
 * encoder is swapped without a lock.
 */
public final class LogFormats {
  /** Libraries whose INFO lines are noise for an operator. */
  static final Map<String, Level> QUIET = Map.of("org.apache.kafka", Level.WARN,
      "kafka", Level.WARN, "state.change.logger", Level.WARN, "io.netty", Level.WARN,
      "io.grpc", Level.WARN);

  private LogFormats() {}

  /** Applies {@code format} to the process's logback context; see the class doc. */
  public static void apply(LogFormat format) {
    try {
      if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
        apply(context, format);
      }
    } catch (LinkageError notLogback) {
      // another backend: its own configuration decides
    }
  }

  /**
   * Applies {@code format} to {@code context}; see the class doc.
   *
   * @param context a started logback context
   */
  public static void apply(LoggerContext context, LogFormat format) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (isFallback(context)) {
      installDefaults(context, root, format);
      return;
    }
    if (format == LogFormat.JSON) {
      for (Appender<ILoggingEvent> appender : appenders(root)) {
        if (appender instanceof OutputStreamAppender<ILoggingEvent> output) {
          output.setEncoder(encoder(context, format));
        }
      }
    }
  }

  /**
   * Whether {@code context} runs on logback's own fallback ({@code BasicConfigurator}: no
   * configuration file was found): the root logger's only appender is a console appender named
   * {@code console} with a {@link TTLLLayout}, and the root level is DEBUG.
   */
  public static boolean isFallback(LoggerContext context) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> appenders = appenders(root);
    return appenders.size() == 1
        && appenders.get(0) instanceof ConsoleAppender<ILoggingEvent> console
        && "console".equals(console.getName())
        && console.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> wrapping
        && wrapping.getLayout() instanceof TTLLLayout
        && Level.DEBUG.equals(root.getLevel());
  }

  /**
   * A started encoder of {@code format}: {@link JsonLineEncoder}, or a pattern encoder of {@link
   * LogFormat#TEXT_PATTERN}.
   */
  public static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    if (format == LogFormat.JSON) {
      JsonLineEncoder json = new JsonLineEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(LogFormat.TEXT_PATTERN);
    text.start();
    return text;
  }

  private static void installDefaults(LoggerContext context, Logger root, LogFormat format) {
    for (Appender<ILoggingEvent> old : appenders(root)) {
      root.detachAppender(old);
      old.stop();
    }
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("posrelay-console");
    console.setTarget("System.err");
    console.setEncoder(encoder(context, format));
    console.start();
    root.addAppender(console);
    root.setLevel(Level.INFO);
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
    logger.iteratorForAppenders().forEachRemaining(appenders::add);
    return appenders;
  }
}
