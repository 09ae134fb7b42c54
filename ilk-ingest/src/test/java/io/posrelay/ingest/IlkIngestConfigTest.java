package io.posrelay.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IlkIngestConfigTest {

  @Test
  void defaults_matchTheContract() {
    IlkIngestConfig config = IlkIngestConfig.builder().build();

    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.kafkaBootstrap()).isEqualTo("127.0.0.1:9092");
    assertThat(config.resultsTopic()).isEqualTo("posrelay.results");
    assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.maxBodyBytes()).isEqualTo(65536);
    assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.requestDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.signingSecrets()).isEmpty();
    assertThat(config.signatureMaxSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.tlsCertFile()).isEmpty();
    assertThat(config.sslContext()).isNull();
  }

  @Test
  void requestDeadlineAndSkew_areRangeChecked() {
    assertThatThrownBy(() -> IlkIngestConfig.builder().requestDeadline(Duration.ofMillis(99))
        .build()).hasMessage("request-deadline.ms: 99 (expected: 100..3600000)");
    assertThatThrownBy(() -> IlkIngestConfig.builder().signatureMaxSkew(Duration.ofMillis(999))
        .build()).hasMessage("signature-max-skew.ms: 999 (expected: 1000..3600000)");
    assertThatThrownBy(() -> IlkIngestConfig.builder().signatureMaxSkew(Duration.ofHours(2))
        .build()).hasMessage("signature-max-skew.ms: 7200000 (expected: 1000..3600000)");
  }

  @Test
  void badPort_namesKeyValueAndRange() {
    assertThatThrownBy(() -> IlkIngestConfig.builder().port(70000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port: 70000 (expected: 0..65535)");
  }

  @Test
  void tooShortPublishTimeout_isRejected() {
    assertThatThrownBy(() -> IlkIngestConfig.builder().publishTimeout(Duration.ofMillis(50)).build())
        .hasMessage("publish-timeout.ms: 50 (expected: 100..300000)");
  }

  @Test
  void negativePublishTimeout_isRejected() {
    assertThatThrownBy(
        () -> IlkIngestConfig.builder().publishTimeout(Duration.ofMillis(-5)).build())
        .hasMessageStartingWith("publish-timeout.ms: -1");
  }

  @Test
  void idleTimeoutNotAbovePublishTimeout_isRejected() {
    assertThatThrownBy(() -> IlkIngestConfig.builder()
        .publishTimeout(Duration.ofSeconds(5)).idleTimeout(Duration.ofSeconds(5)).build())
        .hasMessageStartingWith("idle-timeout.ms: 5000 (expected: > publish-timeout.ms 5000");
  }

  @Test
  void badKafkaBootstrap_isRejected() {
    for (String bad : new String[] {"", "localhost", "localhost:x", "a:9092,", " a:1", "a:0"}) {
      assertThatThrownBy(() -> IlkIngestConfig.builder().kafkaBootstrap(bad).build())
          .as(bad).hasMessageStartingWith("kafka: '" + bad + "'");
    }
  }

  @Test
  void multipleBootstrapServers_areAccepted() {
    assertThat(IlkIngestConfig.builder().kafkaBootstrap("k1:9092,k2:9092,[::1]:9093").build()
        .kafkaBootstrap()).isEqualTo("k1:9092,k2:9092,[::1]:9093");
  }

  @Test
  void badTopic_maxBody_inFlight_connections_areRejectedByKey() {
    assertThatThrownBy(() -> IlkIngestConfig.builder().resultsTopic("a b").build())
        .hasMessageStartingWith("topic: ");
    assertThatThrownBy(() -> IlkIngestConfig.builder().maxBodyBytes(10).build())
        .hasMessageStartingWith("max-body-bytes: 10 ");
    assertThatThrownBy(() -> IlkIngestConfig.builder().maxInFlightPublishes(0).build())
        .hasMessageStartingWith("max-in-flight: 0 ");
    assertThatThrownBy(() -> IlkIngestConfig.builder().maxConnections(0).build())
        .hasMessageStartingWith("max-connections: 0 ");
    assertThatThrownBy(() -> IlkIngestConfig.builder().host(" ").build())
        .hasMessageStartingWith("host: ");
  }

  @Test
  void deliveryGuaranteeProducerProperties_cannotBeOverridden() {
    assertThatThrownBy(() -> IlkIngestConfig.builder().producerProperty("acks", "1").build())
        .hasMessage("producer.acks: '1' (expected: not set: pinned by ilk-ingest)");
  }

  @Test
  void producerProperties_pinAcksIdempotenceAndTimeoutsWithinPublishTimeout() {
    IlkIngestConfig config = IlkIngestConfig.builder()
        .publishTimeout(Duration.ofMillis(2000))
        .producerProperty("compression.type", "lz4")
        .build();

    Map<String, Object> props = IlkIngestServer.producerProperties(config);

    assertThat(props).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.block.ms", 2000L)
        .containsEntry("delivery.timeout.ms", 2000)
        .containsEntry("request.timeout.ms", 1999)
        .containsEntry("linger.ms", 1)
        .containsEntry("compression.type", "lz4")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092");
  }
}
