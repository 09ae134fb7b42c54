package io.posrelay.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.BasicConfigurator;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The two console formats, as an SRE's log pipeline and a developer's terminal see them. */
class LogFormatsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = newContext();
  private final Logger logger = context.getLogger("io.posrelay.relay.delivery.DeliveryTracker");

  /** A context of its own (the test JVM's stays as it is), on the process's MDC. */
  private static LoggerContext newContext() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter());
    return context;
  }

  private LoggingEvent event(String format, Object... args) {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, format,
        null, args);
    event.setTimeStamp(Instant.parse("2026-12-05T09:14:03.215Z").toEpochMilli());
    event.setThreadName("posrelay-relay-1-pos-2");
    event.getMDCPropertyMap(); // captured now, while the test's LogContext is open
    return event;
  }

  private static String encode(Encoder<ILoggingEvent> encoder, ILoggingEvent event) {
    return new String(encoder.encode(event), StandardCharsets.UTF_8);
  }

  @Test
  void jsonLine_isOneObjectWithIsoUtcTime_levelLoggerThreadMessage_andTheMdcFields()
      throws Exception {
    String line;
    try (LogContext ignored = LogContext.open().resultId("r-1").terminalId("T0001")
        .nodeId("relay-1").transactionId("tx-1")) {
      line = encode(LogFormats.encoder(context, LogFormat.JSON),
          event("delivery failed: {}", "ACK_TIMEOUT"));
    }

    assertThat(line).endsWith("\n").doesNotContain("\r");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-12-05T09:14:03.215Z");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("loggerName").asText())
        .isEqualTo("io.posrelay.relay.delivery.DeliveryTracker");
    assertThat(json.get("threadName").asText()).isEqualTo("posrelay-relay-1-pos-2");
    assertThat(json.get("message").asText()).isEqualTo("delivery failed: ACK_TIMEOUT");
    assertThat(json.get("mdc").get("result_id").asText()).isEqualTo("r-1");
    assertThat(json.get("mdc").get("terminal_id").asText()).isEqualTo("T0001");
    assertThat(json.get("mdc").get("node_id").asText()).isEqualTo("relay-1");
    assertThat(json.get("mdc").get("transaction_id").asText()).isEqualTo("tx-1");
    assertThat(json.has("formattedMessage")).isFalse();
    assertThat(json.has("sequenceNumber")).isFalse();
  }

  @Test
  void jsonLine_withAnExceptionAndQuotesInTheMessage_staysOneParseableLine() throws Exception {
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR,
        "fatal error reading \"{}\"\nsecond line", new IllegalStateException("boom\n\"x\"",
            new RuntimeException("cause")), new Object[] {"posrelay.results"});

    String line = encode(LogFormats.encoder(context, LogFormat.JSON), event);

    assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.get("message").asText())
        .isEqualTo("fatal error reading \"posrelay.results\"\nsecond line");
    assertThat(json.get("throwable").toString()).contains("IllegalStateException", "cause");
  }

  @Test
  void textLine_hasTheUtcDate_andTheMdcFieldsOnlyWhenSet() {
    Encoder<ILoggingEvent> text = LogFormats.encoder(context, LogFormat.TEXT);
    String with;
    try (LogContext ignored = LogContext.open().resultId("r-1")) {
      with = encode(text, event("delivered"));
    }
    String without = encode(text, event("listening on {}", 7001));

    assertThat(with).isEqualTo(
        "2026-12-05T09:14:03.215Z INFO  DeliveryTracker [result_id=r-1] - delivered\n");
    assertThat(without).isEqualTo(
        "2026-12-05T09:14:03.215Z INFO  DeliveryTracker - listening on 7001\n");
  }

  @Test
  void json_replacesTheEncoderOfConfiguredAppenders_keepingLevelsAndAppenders() {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDERR");
    console.setEncoder(LogFormats.encoder(context, LogFormat.TEXT));
    console.start();
    root.addAppender(console);
    root.setLevel(Level.WARN);

    assertThat(LogFormats.isFallback(context)).isFalse();
    LogFormats.apply(context, LogFormat.TEXT);
    assertThat(console.getEncoder()).isNotInstanceOf(JsonLineEncoder.class);

    LogFormats.apply(context, LogFormat.JSON);
    assertThat(console.getEncoder()).isInstanceOf(JsonLineEncoder.class);
    assertThat(root.getAppender("STDERR")).isSameAs(console);
    assertThat(root.getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void withoutAConfigurationFile_theServiceDefaultsReplaceLogbacksDebugFallback() {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    new BasicConfigurator().configure(context); // what logback does when it finds no file
    assertThat(LogFormats.isFallback(context)).isTrue();

    LogFormats.apply(context, LogFormat.JSON);

    assertThat(LogFormats.isFallback(context)).isFalse();
    assertThat(root.getAppender("console")).isNull();
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.WARN);
    assertThat(((ConsoleAppender<ILoggingEvent>) root.getAppender("posrelay-console"))
        .getEncoder())
        .isInstanceOf(JsonLineEncoder.class);
  }

  @Test
  void logFormat_parsesAnyCase_andRefusesOthers() {
    assertThat(LogFormat.of(" JSON ")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.of("text")).isEqualTo(LogFormat.TEXT);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> LogFormat.of("xml"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
