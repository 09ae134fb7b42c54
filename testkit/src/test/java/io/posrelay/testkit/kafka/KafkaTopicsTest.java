package io.posrelay.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {

  @Test
  void awaitReady_onAnAddressNothingListensOn_failsWithinItsBound_namingItInSeconds()
      throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String bootstrap = "127.0.0.1:" + port;

    // A describe call goes out every 2 s, each allowed the whole bound: before, close() waited
    // for the last one (sent at 4 s, due at 10 s). Now the 6 s bound plus a margin holds.
    assertTimeoutPreemptively(Duration.ofMillis(8_500), () ->
        assertThatThrownBy(() -> KafkaTopics.awaitReady(bootstrap, Duration.ofSeconds(6)))
            .isInstanceOf(TimeoutException.class)
            .hasMessage("Kafka at " + bootstrap + " did not answer within 6 s"));
  }
}
