package io.posrelay.ingest.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.posrelay.runtime.management.Health;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ilk-ingest's readiness rule, on a clock the test moves. */
class KafkaContactTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long WINDOW = 15 * SECOND;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final AtomicLong lastAck = new AtomicLong(Long.MIN_VALUE);
  private final List<CompletableFuture<String>> probes = new ArrayList<>();
  /** Not started: the test probes ({@link KafkaContact#probeIfQuiet()}) on its own clock. */
  private final KafkaContact contact = new KafkaContact(timeout -> {
    CompletableFuture<String> answer = new CompletableFuture<>();
    probes.add(answer);
    return answer;
  }, lastAck::get, Duration.ofNanos(WINDOW), now.get(), now::get, "test-probe");

  @AfterEach
  void close() {
    contact.close();
  }

  @Test
  void justStarted_isUp_byTheStartUpCheck() {
    assertThat(contact.status()).isEqualTo(Health.Status.up(
        "Kafka answered 0 ms ago (the start-up topic check) (window 15000 ms)"));
  }

  @Test
  void noAnswerForLongerThanTheWindow_isDown_sayingWhatTheLastProbeGot() {
    now.addAndGet(5 * SECOND);
    contact.probeIfQuiet();
    probes.get(0).completeExceptionally(new IllegalStateException("timed out"));
    now.addAndGet(11 * SECOND);

    Health.Status status = contact.status();

    assertThat(status.isUp()).isFalse();
    assertThat(status.detail()).isEqualTo("no answer from Kafka for 16000 ms (window 15000 ms);"
        + " last probe: java.lang.IllegalStateException: timed out");
  }

  @Test
  void aProbeThatAnswers_makesItReadyAgain() {
    now.addAndGet(20 * SECOND);
    assertThat(contact.status().isUp()).isFalse();

    contact.probeIfQuiet();
    probes.get(0).complete("3 partition(s) of posrelay.results with a leader");

    assertThat(contact.status()).isEqualTo(Health.Status.up("Kafka answered 0 ms ago (3"
        + " partition(s) of posrelay.results with a leader) (window 15000 ms)"));
  }

  @Test
  void anAckedPublish_isContact_andSparesTheProbe() {
    now.addAndGet(20 * SECOND);
    lastAck.set(now.get() - SECOND);

    contact.probeIfQuiet();

    assertThat(probes).as("no probe within a third of the window of an ack").isEmpty();
    assertThat(contact.status()).isEqualTo(
        Health.Status.up("Kafka answered 1000 ms ago (a publish acked) (window 15000 ms)"));
  }

  @Test
  void oneProbeAtATime() {
    now.addAndGet(6 * SECOND);
    contact.probeIfQuiet();
    contact.probeIfQuiet();
    assertThat(probes).hasSize(1);

    probes.get(0).completeExceptionally(new IllegalStateException("down"));
    contact.probeIfQuiet();
    assertThat(probes).hasSize(2);
  }
}
