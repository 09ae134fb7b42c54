package io.posrelay.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Kafka's lines about the topic check's own client are dropped; every other line is kept. */
class TopicCheckLogFilterTest {
  @Test
  void kafkaLinesAboutTheTopicCheckClient_areDropped_othersKept() {
    TopicCheckLogFilter.install();
    TopicCheckLogFilter.install(); // once only
    Logger kafka = (Logger) LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient");
    Logger ours = (Logger) LoggerFactory.getLogger("io.posrelay.test");
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    kafka.addAppender(lines);
    ours.addAppender(lines);

    kafka.error("[AdminClient clientId=posrelay-relay-1-topic-check] Connection to node -1 failed"
        + " authentication due to: {}", "invalid credentials");
    kafka.error("[Producer clientId=posrelay-relay-1-claims] Connection to node -1 failed"
        + " authentication due to: {}", "invalid credentials");
    ours.warn("[AdminClient clientId=x-topic-check] not a Kafka logger");

    kafka.detachAppender(lines);
    ours.detachAppender(lines);
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "[Producer clientId=posrelay-relay-1-claims] Connection to node -1 failed authentication"
            + " due to: invalid credentials",
        "[AdminClient clientId=x-topic-check] not a Kafka logger");
    assertThat(((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory())
        .getTurboFilterList()).filteredOn(f -> f instanceof TopicCheckLogFilter).hasSize(1);
  }
}
