package io.posrelay.runtime.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.runtime.management.Health.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthTest {
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    worker.shutdownNow();
  }

  @Test
  void ready_whenEveryComponentIsUp_andNamesEachInRegistrationOrder() {
    Health health = new Health("relay-server")
        .readiness("pos-listener", () -> Status.up("listening on 127.0.0.1:7001"))
        .readiness("results-reader", () -> Status.up("3 partitions, lag 0 records"));

    Health.Report report = health.ready();

    assertThat(report.up()).isTrue();
    assertThat(report.components()).containsOnlyKeys("lifecycle", "pos-listener",
        "results-reader");
    assertThat(report.components().keySet()).containsExactly("lifecycle", "pos-listener",
        "results-reader");
  }

  @Test
  void oneComponentDown_makesTheServiceNotReady_andSaysWhich() {
    AtomicReference<Status> reader = new AtomicReference<>(Status.up("reading"));
    Health health = new Health("relay-server")
        .readiness("pos-listener", () -> Status.up("bound"))
        .readiness("results-reader", reader::get);
    assertThat(health.ready().up()).isTrue();

    reader.set(Status.down("died at posrelay.results-0@17: boom"));

    Health.Report report = health.ready();
    assertThat(report.up()).isFalse();
    assertThat(report.components().get("results-reader"))
        .isEqualTo(Status.down("died at posrelay.results-0@17: boom"));
    assertThat(report.components().get("pos-listener").isUp()).isTrue();
  }

  @Test
  void aCheckThatThrows_isDown_withItsException() {
    Health health = new Health("svc").readiness("ledger", () -> {
      throw new IllegalStateException("not started");
    });

    Status ledger = health.ready().components().get("ledger");

    assertThat(ledger.isUp()).isFalse();
    assertThat(ledger.detail()).contains("IllegalStateException: not started");
  }

  @Test
  void stopping_makesTheServiceNotReady() {
    Health health = new Health("svc").readiness("grpc", () -> Status.up("serving"));

    health.stopping();

    assertThat(health.ready().up()).isFalse();
    assertThat(health.ready().components().get(Health.LIFECYCLE))
        .isEqualTo(Status.down("stopping"));
  }

  @Test
  void live_whenEveryWorkerAnswers() {
    Health health = new Health("svc").liveness("workers", List.<Executor>of(worker, Runnable::run));

    Health.Report report = health.live();

    assertThat(report.up()).isTrue();
    assertThat(report.components().get("workers")).isEqualTo(Status.up("2 of 2 threads answered"));
  }

  @Test
  void aBlockedWorker_makesTheProcessNotLive_afterThePingTimeout() {
    worker.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Health health = new Health("svc", Duration.ofMillis(200))
        .liveness("workers", List.<Executor>of(worker, Runnable::run));

    Health.Report report = health.live();

    assertThat(report.up()).isFalse();
    assertThat(report.components().get("workers"))
        .isEqualTo(Status.down("1 of 2 threads answered within 200 ms"));
  }

  @Test
  void aShutDownWorker_isNotLive() {
    worker.shutdown();
    Health health = new Health("svc", Duration.ofMillis(200)).liveness("workers", List.of(worker));

    assertThat(health.live().up()).isFalse();
  }

  @Test
  void livenessChecks_countToo() {
    Health health = new Health("svc").liveness("ledger", () -> Status.down("ERROR"));

    assertThat(health.live().up()).isFalse();
    assertThat(health.ready().up()).as("readiness has its own components").isTrue();
  }

  @Test
  void componentNames_areLowercaseWords_andUnique() {
    Health health = new Health("svc").readiness("results-reader", () -> Status.up(""));

    assertThatThrownBy(() -> health.readiness("results-reader", () -> Status.up("")))
        .hasMessageContaining("already taken");
    assertThatThrownBy(() -> health.liveness("results-reader", () -> Status.up("")))
        .hasMessageContaining("already taken");
    assertThatThrownBy(() -> health.readiness("lifecycle", () -> Status.up("")))
        .hasMessageContaining("already taken");
    assertThatThrownBy(() -> health.readiness("Results Reader", () -> Status.up("")))
        .hasMessageContaining("lowercase words joined by -");
  }

  @Test
  void json_namesTheServiceAndEachComponent_andEscapesDetails() {
    Health health = new Health("relay-server")
        .readiness("results-reader", () -> Status.down("died: \"bad\" \\ value\nnext"));

    assertThat(health.ready().toJson()).isEqualTo("{\"service\":\"relay-server\","
        + "\"status\":\"DOWN\",\"components\":{"
        + "\"lifecycle\":{\"status\":\"UP\",\"detail\":\"running\"},"
        + "\"results-reader\":{\"status\":\"DOWN\","
        + "\"detail\":\"died: \\\"bad\\\" \\\\ value\\nnext\"}}}");
  }

  @Test
  void gauges_sayReadyAndEachComponent_includingOnesAddedAfterBinding() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AtomicReference<Status> reader = new AtomicReference<>(Status.up(""));
    Health health = new Health("svc").readiness("pos-listener", () -> Status.up(""));
    health.bindTo(meters);
    health.readiness("results-reader", reader::get);

    assertThat(meters.get(Health.READY_METER).gauge().value()).isEqualTo(1);
    reader.set(Status.down("dead"));

    assertThat(meters.get(Health.READY_METER).gauge().value()).isZero();
    assertThat(meters.get(Health.COMPONENT_READY_METER).tag("component", "results-reader")
        .gauge().value()).isZero();
    assertThat(meters.get(Health.COMPONENT_READY_METER).tag("component", "pos-listener")
        .gauge().value()).isEqualTo(1);
  }
}
