package io.posrelay.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.posrelay.admin.AdminKeys;
import io.posrelay.admin.AdminServer;
import io.posrelay.admin.auth.OperatorAuthInterceptor;
import io.posrelay.admin.v1.Delivery;
import io.posrelay.admin.v1.DeliveryAdminGrpc;
import io.posrelay.admin.v1.DeliveryStatus;
import io.posrelay.admin.v1.GetDeliveryRequest;
import io.posrelay.admin.v1.GetStatsRequest;
import io.posrelay.admin.v1.auth.BearerToken;
import io.posrelay.relay.RelayKeys;
import io.posrelay.relay.RelayServer;
import io.posrelay.runtime.config.ListenerKeys;
import io.posrelay.testkit.secure.TestCertificates;
import io.posrelay.v1.PaymentResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * admin-api with operator tokens and TLS against the real Kafka cluster: operators need the token
 * over TLS, health does not, and a relay node's recovery on reconnect reaches the ledger over TLS
 * with its token. ({@code relayctl admin} with a token over TLS is relayctl's own test.)
 */
@ExtendWith(SharedKafka.class)
class SecureAdminTest {
  private static final String TOKEN = "integration-operator-token-0123456789abcdef";
  private static final String PREVIOUS = "integration-previous-token-0123456789abcdef";

  private static Path dir;
  private static TestCertificates secure;
  private static Path tokenFile;
  private static AdminServer admin;
  private static RelayServer relay;
  private static LedgerEvents events;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start(KafkaCluster kafka) throws Exception {
    dir = Files.createTempDirectory("posrelay-secure-admin");
    secure = TestCertificates.create(dir.resolve("tls"));
    tokenFile = Files.writeString(dir.resolve("operator-token"), TOKEN + "\n" + PREVIOUS + "\n");
    String applicationId = "it-secure-admin-" + UUID.randomUUID();
    LedgerHistory.skip(kafka, applicationId);
    admin = PosRelayStack.startAdmin(TestConfigs.admin(kafka.bootstrapServers(), applicationId,
            dir.resolve("admin-state"))
        .set(AdminKeys.OPERATOR_TOKEN_FILE, Optional.of(tokenFile))
        .set(ListenerKeys.TLS_CERT_FILE, Optional.of(secure.certFile()))
        .set(ListenerKeys.TLS_KEY_FILE, Optional.of(secure.keyFile()))
        .set(AdminKeys.PEER_TLS_CA_FILE, Optional.of(secure.caFile()))
        .build());
    relay = RelayServer.start(TestConfigs.relay(kafka.bootstrapServers(), "it-secure-relay")
        .set(RelayKeys.ADMIN_ADDRESS, "127.0.0.1:" + admin.port())
        .set(RelayKeys.ADMIN_TOKEN, Optional.of(TOKEN))
        .set(RelayKeys.ADMIN_TLS_CA_FILE, Optional.of(secure.caFile()))
        .build());
    events = new LedgerEvents(kafka.bootstrapServers());
  }

  @AfterAll
  static void stop() throws Exception {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    PosRelayStack.closeAll(List.of(events, relay, admin));
  }

  private static ManagedChannel tlsChannel() {
    ManagedChannel channel;
    try {
      channel = NettyChannelBuilder.forAddress("127.0.0.1", admin.port(),
          TlsChannelCredentials.newBuilder().trustManager(secure.caFile().toFile()).build())
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + secure.caFile(), e);
    }
    channels.add(channel);
    return channel;
  }

  private static DeliveryAdminGrpc.DeliveryAdminBlockingStub operator() {
    return DeliveryAdminGrpc.newBlockingStub(tlsChannel())
        .withInterceptors(BearerToken.attach(TOKEN)).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Test
  void operatorsNeedTheTokenOverTls_healthDoesNot_andPlaintextIsRefused() {
    ManagedChannel channel = tlsChannel();
    double failuresBefore = authFailures();

    assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertCode(() -> DeliveryAdminGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS).getStats(GetStatsRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertThat(operator().getStats(GetStatsRequest.getDefaultInstance()).getTotal())
        .isNotNegative();
    DeliveryAdminGrpc.newBlockingStub(channel).withInterceptors(BearerToken.attach(PREVIOUS))
        .withDeadlineAfter(10, TimeUnit.SECONDS).getStats(GetStatsRequest.getDefaultInstance());
    ManagedChannel plaintext = NettyChannelBuilder.forAddress("127.0.0.1", admin.port())
        .usePlaintext().build();
    channels.add(plaintext);
    assertCode(() -> DeliveryAdminGrpc.newBlockingStub(plaintext)
        .withInterceptors(BearerToken.attach(TOKEN)).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getStats(GetStatsRequest.getDefaultInstance()), Status.Code.UNAVAILABLE);
    assertThat(authFailures()).isEqualTo(failuresBefore + 1);
  }

  @Test
  void resultForAnAbsentTerminal_isRecoveredThroughTheTlsLedgerWithTheToken_andOperatorsSeeIt()
      throws Exception {
    String tid = "SEC-" + Long.toString(System.nanoTime(), 36);
    String resultId = events.result(tid, "M001", Instant.now());
    events.flush();
    await().atMost(PosRelayStack.CLAIM_DEADLINE.plusSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(() -> status(resultId) == DeliveryStatus.DELIVERY_STATUS_FAILED);

    try (TestTerminal back = TestTerminal.connect(relay.port(), tid)) {
      await().atMost(Duration.ofSeconds(10)).until(() -> back.results().size() == 1);
      assertThat(back.results()).extracting(PaymentResult::getResultId).containsExactly(resultId);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> status(resultId) == DeliveryStatus.DELIVERY_STATUS_DELIVERED);
    }

    Delivery delivery = operator().getDelivery(
        GetDeliveryRequest.newBuilder().setResultId(resultId).build());
    assertThat(delivery.getResultId()).isEqualTo(resultId);
    assertThat(delivery.getTerminalId()).isEqualTo(tid);
    assertThat(delivery.getStatus()).isEqualTo(DeliveryStatus.DELIVERY_STATUS_DELIVERED);
  }

  private static DeliveryStatus status(String resultId) {
    return operator().getDelivery(GetDeliveryRequest.newBuilder().setResultId(resultId).build())
        .getStatus();
  }

  private static double authFailures() {
    return admin.meterRegistry().find(OperatorAuthInterceptor.FAILURES_METER).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static void assertCode(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code) {
    assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
