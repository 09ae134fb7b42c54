package io.posrelay.admin.grpc;

import static io.posrelay.admin.ledger.TestEvents.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.StreamObserver;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.ledger.LedgerDriver;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.RetryDeliveryRequest;
import io.posrelay.testkit.kafka.StalledProducer;
import io.posrelay.v1.PaymentResult;
import io.posrelay.v1.kafka.EventSerdes;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RetryDelivery while Kafka does not answer: UNAVAILABLE within {@link
 * DeliveryAdminService#CALL_DEADLINE} (5 s), at once once Kafka is known to be unreachable, and
 * without holding the gRPC executor's thread meanwhile. Before issue 12 it waited the retry
 * producer's own timeouts (60 s measured) on one of a handful of gRPC threads.
 */
@Timeout(120)
class RetryDeliveryBoundTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  /** Twice the 5 s bound: room for a busy 2-core machine, far below the former 60 s. */
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Duration QUICK = Duration.ofSeconds(2);

  @TempDir Path stateDir;
  private LedgerDriver ledger;
  private final StalledProducer<String, PaymentResult> producer =
      new StalledProducer<>(new StringSerializer(), EventSerdes.paymentResult().serializer());
  private ResultRepublisher republisher;
  /** The gRPC executor: one thread, so a call that held it would hold up every other. */
  private final ExecutorService grpcThread = Executors.newSingleThreadExecutor();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void setUp() throws Exception {
    ledger = new LedgerDriver(stateDir, T0);
    ledger.result(result("failed-1", "T1", T0));
    ledger.advance(LedgerDriver.CLAIM_DEADLINE.plusSeconds(1)); // FAILED(UNCLAIMED)
    republisher = new ResultRepublisher(producer, "posrelay.results");
    String name = InProcessServerBuilder.generateName();
    DeliveryAdminService service = new DeliveryAdminService(ledger.queries, Peers.NONE,
        republisher, new EventFanout(10, 10), Clock.systemUTC());
    server = AdminServices.addTo(InProcessServerBuilder.forName(name).executor(grpcThread),
        service, new HealthStatusManager()).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
  }

  @AfterEach
  void tearDown() throws Exception {
    producer.release();
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    republisher.close();
    grpcThread.shutdownNow();
    ledger.close();
  }

  /** A client without a deadline of its own: the server's bound is the only one. */
  private DeliveryAdminGrpc.DeliveryAdminBlockingStub stub() {
    return DeliveryAdminGrpc.newBlockingStub(channel);
  }

  private static RetryDeliveryRequest retry(String resultId) {
    return RetryDeliveryRequest.newBuilder().setResultId(resultId).build();
  }

  @Test
  void kafkaNeverAcknowledges_retryIsUnavailableWithinTheCallDeadline() {
    producer.autoComplete(false); // the record is buffered; no broker answers

    long start = System.nanoTime();
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().retryDelivery(retry("failed-1")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.printf("RetryDeliveryBoundTest: Kafka never acknowledges: %s after %d ms (%s)%n",
        e.getStatus().getCode(), took.toMillis(), e.getStatus().getDescription());
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(e.getStatus().getDescription()).contains("did not acknowledge the retry");
    assertThat(took).isLessThan(BOUND)
        .isGreaterThanOrEqualTo(DeliveryAdminService.RETRY_PUBLISH_TIMEOUT.minusMillis(100));
  }

  @Test
  void onceASendTimedOut_furtherRetriesAreUnavailableAtOnce_andSucceedWhenKafkaIsBack() {
    producer.autoComplete(false);
    CompletableFuture<Delivery> first = CompletableFuture.supplyAsync(
        () -> stub().retryDelivery(retry("failed-1")));
    await().atMost(QUICK).until(() -> producer.history().size() == 1);
    producer.errorNext(new TimeoutException("Expiring 1 record(s): 4000 ms has passed"));
    assertThat(first).failsWithin(BOUND);
    CompletableFuture<Delivery> probe = CompletableFuture.supplyAsync(
        () -> stub().retryDelivery(retry("failed-1")));
    await().atMost(QUICK).until(() -> producer.history().size() == 2);

    long start = System.nanoTime();
    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
        () -> stub().retryDelivery(retry("failed-1")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.printf("RetryDeliveryBoundTest: Kafka known unreachable: %s after %d ms%n",
        refused.getStatus().getCode(), took.toMillis());
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(refused.getStatus().getDescription()).startsWith("Kafka unreachable");
    assertThat(took).isLessThan(QUICK);
    assertThat(producer.completeNext()).isTrue(); // the probe gets through: Kafka is back
    assertThat(probe).succeedsWithin(QUICK);
    producer.autoComplete(true);
    assertThat(stub().retryDelivery(retry("failed-1")).getResultId()).isEqualTo("failed-1");
  }

  @Test
  void aSendStuckOnMetadata_holdsNoGrpcThread_otherCallsAreServedMeanwhile() {
    producer.stall(); // as KafkaProducer#send blocks up to max.block.ms on a cold metadata fetch
    CompletableFuture<Status> retried = new CompletableFuture<>();
    long start = System.nanoTime();
    DeliveryAdminGrpc.newStub(channel).retryDelivery(retry("failed-1"), new StreamObserver<>() {
      @Override
      public void onNext(Delivery value) {}

      @Override
      public void onError(Throwable t) {
        retried.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        retried.complete(Status.OK);
      }
    });
    await().atMost(QUICK).until(() -> producer.stalledSends() == 1);

    // The single gRPC thread is free: GetStats is answered while the retry waits for Kafka.
    assertThat(stub().withDeadlineAfter(QUICK.toMillis(), TimeUnit.MILLISECONDS)
        .getStats(GetStatsRequest.getDefaultInstance()).getTotal()).isEqualTo(1);
    assertThat(retried).isNotDone();

    Status status = retried.join();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("RetryDeliveryBoundTest: send stuck on metadata: %s after %d ms%n",
        status.getCode(), took.toMillis());
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(took).isLessThan(BOUND);
  }
}
