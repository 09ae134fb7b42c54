package io.posrelay.admin.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.posrelay.admin.events.EventFanout;
import io.posrelay.admin.grpc.AdminServices;
import io.posrelay.admin.grpc.DeliveryAdminService;
import io.posrelay.admin.grpc.Peers;
import io.posrelay.admin.ledger.LedgerQueries;
import io.posrelay.admin.ledger.ResultRepublisher;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.runtime.secrets.RotatingSecrets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.posrelay.v1.kafka.Topics;
import org.apache.kafka.clients.producer.MockProducer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The operator-token check on a server with every admin service, in-process. */
class OperatorAuthInterceptorTest {
  static final String CURRENT = "current-operator-token-0123456789abcdef";
  static final String PREVIOUS = "previous-operator-token-0123456789abcdef";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Server server;
  private ManagedChannel channel;

  private void start(@Nullable RotatingSecrets tokens, boolean reflectionRequiresToken)
      throws Exception {
    DeliveryAdminService service = new DeliveryAdminService(
        new LedgerQueries(List::of, terminalId -> -1), Peers.NONE,
        new ResultRepublisher(new MockProducer<>(), Topics.RESULTS), new EventFanout(10, 10),
        Clock.systemUTC());
    String name = InProcessServerBuilder.generateName();
    server = AdminServices.addTo(InProcessServerBuilder.forName(name).directExecutor(), service,
        new HealthStatusManager(),
        new OperatorAuthInterceptor(tokens, reflectionRequiresToken, registry)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void tearDown() throws Exception {
    channel.shutdownNow();
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static RotatingSecrets twoTokens() {
    return RotatingSecrets.of(RotatingSecrets.Rule.BEARER_TOKEN, CURRENT, PREVIOUS);
  }

  private static Channel with(Channel channel, String authorization) {
    Metadata headers = new Metadata();
    headers.put(BearerToken.AUTHORIZATION, authorization);
    return ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static void getStats(Channel channel) {
    DeliveryAdminGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getStats(GetStatsRequest.getDefaultInstance());
  }

  private double failures(String reason) {
    return registry.get(OperatorAuthInterceptor.FAILURES_METER).tag("reason", reason).counter()
        .count();
  }

  @Test
  void callWithoutToken_isUnauthenticated_andCountedAsMissing() throws Exception {
    start(twoTokens(), false);

    assertUnauthenticated(() -> getStats(channel), "missing operator token");
    assertThat(failures("missing")).isEqualTo(1);
    assertThat(failures("invalid")).isZero();
  }

  @Test
  void callWithAWrongOrMalformedToken_isUnauthenticated_withoutEchoingIt() throws Exception {
    start(twoTokens(), false);
    String wrong = "wrong-operator-token-0123456789abcdefghij";

    assertUnauthenticated(() -> getStats(with(channel, "Bearer " + wrong)),
        "operator token not accepted");
    assertUnauthenticated(() -> getStats(with(channel, "Basic " + CURRENT)),
        "operator token not accepted");
    assertUnauthenticated(() -> getStats(with(channel, "Bearer ")), "operator token not accepted");
    assertThat(failures("invalid")).isEqualTo(3);
    assertThatThrownBy(() -> getStats(with(channel, "Bearer " + wrong)))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).doesNotContain(wrong));
  }

  @Test
  void currentAndPreviousTokens_areAccepted_inAnySchemeCase() throws Exception {
    start(twoTokens(), false);

    getStats(with(channel, "Bearer " + CURRENT));
    getStats(with(channel, "bearer " + PREVIOUS));
    getStats(ClientInterceptors.intercept(channel, BearerToken.attach(CURRENT)));

    assertThat(failures("missing") + failures("invalid")).isZero();
  }

  @Test
  void health_andReflection_areOpenByDefault() throws Exception {
    start(twoTokens(), false);

    assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance())
        .getStatus()).isNotNull();
    assertThat(listServices(channel)).contains("posrelay.admin.v1.DeliveryAdmin");
  }

  @Test
  void reflection_needsTheToken_whenConfigured_butHealthStaysOpen() throws Exception {
    start(twoTokens(), true);

    assertThatThrownBy(() -> listServices(channel))
        .hasCauseInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("UNAUTHENTICATED");
    assertThat(listServices(with(channel, "Bearer " + CURRENT)))
        .contains("posrelay.admin.v1.DeliveryAdmin");
    HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
  }

  @Test
  void noTokensConfigured_letsEveryCallThrough() throws Exception {
    start(null, true);

    getStats(channel);
    getStats(with(channel, "Bearer anything"));
    assertThat(listServices(channel)).isNotEmpty();
    assertThat(failures("missing") + failures("invalid")).isZero();
  }

  private static void assertUnauthenticated(ThrowingCallable call, String description) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
      assertThat(e.getStatus().getDescription()).startsWith(description)
          .doesNotContain(CURRENT).doesNotContain(PREVIOUS);
    });
  }

  private static List<String> listServices(Channel channel)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    CompletableFuture<ServerReflectionResponse> response = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(new StreamObserver<>() {
          @Override
          public void onNext(ServerReflectionResponse value) {
            response.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            response.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            response.completeExceptionally(new IllegalStateException("no response"));
          }
        });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("*").build());
    requests.onCompleted();
    return response.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
        .map(io.grpc.reflection.v1.ServiceResponse::getName).toList();
  }
}
