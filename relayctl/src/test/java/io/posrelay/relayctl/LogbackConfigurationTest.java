package io.posrelay.relayctl;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.posrelay.runtime.log.LogFormat;
import io.posrelay.runtime.log.LogFormats;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * relayctl's logback.xml, which {@code local} and every service it starts log through: its text
 * lines are the runtime's {@link LogFormat#TEXT_PATTERN}, and logback runs on it rather than on its
 * fallback, so {@code log-format=text} leaves it as it is ({@link LogFormats}).
 */
class LogbackConfigurationTest {
  @Test
  void textPattern_isTheRuntimes_andTheFileIsWhatConfiguredLogback() throws Exception {
    String xml;
    try (InputStream in = RelayCtl.class.getResourceAsStream("/logback.xml")) {
      assertThat(in).isNotNull();
      xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher pattern = Pattern.compile("<pattern>(.*)</pattern>").matcher(xml);
    assertThat(pattern.find()).isTrue();
    assertThat(pattern.group(1)).isEqualTo(LogFormat.TEXT_PATTERN);

    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    assertThat(LogFormats.isFallback(context)).isFalse();
  }
}
